#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { EXIT } from "../../agent/cli/exit-codes.js";
import { errorMessage } from "../../lib/errors.js";
import { registerServeCommand } from "./serve.js";

/**
 * `pos-bridge`: the cloud webhook → MQTT bridge (`serve`) and the operator's webhook
 * registration tools. Exit codes as `pos-agent` (agent/cli/exit-codes.ts).
 */
export function buildProgram(): Command {
  const program = new Command("pos-bridge")
    .description("Vipps MobilePay webhook → MQTT bridge for POS tills")
    .version(process.env.npm_package_version ?? "0.1.0")
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return;
    }
    process.stderr.write(`pos-bridge: ${errorMessage(error)}\n`);
    process.exitCode = EXIT.SOFTWARE;
  }
}

await main(process.argv);
