import { Command, CommanderError } from "commander";
import { errorMessage } from "../../lib/errors.js";
import { EXIT } from "../../lib/exit-codes.js";
import { terminalSafe } from "../../lib/terminal-text.js";
import { VERSION } from "../../lib/version.js";

/** The `pos-agent` program without its commands (main.ts and daemon-entry.ts add them). */
export function newProgram(): Command {
  return new Command("pos-agent")
    .description("Vipps MobilePay POS edge agent")
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
}

/** Runs the command `argv` names; usage errors exit 64, anything thrown 70. */
export async function parseProgram(program: Command, argv: readonly string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return;
    }
    process.stderr.write(`pos-agent: ${terminalSafe(errorMessage(error))}\n`);
    process.exitCode = EXIT.SOFTWARE;
  }
}
