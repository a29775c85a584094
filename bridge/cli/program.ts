import { Command, CommanderError } from "commander";
import { EXIT } from "../../lib/exit-codes.js";
import { errorMessage } from "../../lib/errors.js";
import type { CliContext } from "./context.js";
import { registerNatsUsersCommand } from "./nats-users.js";
import { registerServeCommand } from "./serve.js";
import { registerWebhookCommands } from "./webhooks.js";

/**
 * `pos-bridge`: the cloud webhook → MQTT bridge (`serve`), the operator's webhook
 * registration tools, and the NATS cluster's users file (`nats-users`). Exit codes as `pos-agent` (agent/cli/exit-codes.ts): 0 ok, 1 failed,
 * 64 usage, 69 Vipps or broker unavailable, 70 internal error, 78 invalid environment.
 */
function buildProgram(ctx: CliContext): Command {
  const program = new Command("pos-bridge")
    .description("Vipps MobilePay webhook → MQTT bridge for POS tills")
    .version(process.env.npm_package_version ?? "0.1.0")
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program, ctx);
  registerWebhookCommands(program, ctx);
  registerNatsUsersCommand(program, ctx);
  return program;
}

/** Runs one command line (`argv` as in process.argv) and returns its exit code. */
export async function runBridgeCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    ctx.stderr.write(`pos-bridge: ${errorMessage(error)}\n`);
    return EXIT.SOFTWARE;
  }
  return ctx.exitCode;
}
