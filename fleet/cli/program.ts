import { Command, CommanderError } from "commander";
import { EXIT } from "../../lib/exit-codes.js";
import { errorMessage } from "../../lib/errors.js";
import { VERSION } from "../../lib/version.js";
import type { FleetCliContext } from "./context.js";
import { registerHashPasswordCommand } from "./hash-password.js";
import { registerServeCommand } from "./serve.js";

/**
 * `pos-fleet`: the fleet at a glance for one MSN (`serve`) and the users file's helper
 * (`hash-password`). Exit codes as `pos-agent` (agent/cli/exit-codes.ts): 0 ok, 64 usage,
 * 69 unavailable, 70 internal error, 78 invalid environment.
 */
function buildProgram(ctx: FleetCliContext): Command {
  const program = new Command("pos-fleet")
    .description("Vipps MobilePay POS fleet: web page, JSON API, metrics and alerts for an MSN's tills")
    .version(VERSION)
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program, ctx);
  registerHashPasswordCommand(program, ctx);
  return program;
}

/** Runs one command line (`argv` as in process.argv) and returns its exit code. */
export async function runFleetCli(argv: readonly string[], ctx: FleetCliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    ctx.stderr.write(`pos-fleet: ${errorMessage(error)}\n`);
    return EXIT.SOFTWARE;
  }
  return ctx.exitCode;
}
