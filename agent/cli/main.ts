#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { errorMessage } from "../../lib/errors.js";
import { VERSION } from "../../lib/version.js";
import { EXIT } from "./exit-codes.js";
import { registerConfigCommands } from "./commands/config.js";
import { registerDoctorCommand } from "./commands/doctor.js";
import { registerStatusCommand } from "./commands/status.js";
import { registerSetupCommand } from "./commands/setup.js";
import { registerReportCommand } from "./commands/report.js";
import { registerReprintCommand } from "./commands/reprint.js";
import { registerRefundCommand } from "./commands/refund.js";
import { registerConfigEditCommands } from "./commands/config-edit.js";
import { registerRegisterMonitorCommand } from "./commands/register-monitor.js";
import { registerRunCommand } from "./commands/run.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerDisplayTestCommand } from "./commands/display-test.js";
import { registerPrintTestCommand } from "./commands/print-test.js";
import { registerLoyaltyCommands } from "./commands/loyalty.js";

/**
 * `pos-agent`: the daemon and the technician's tools in one executable. Each subcommand lives
 * in its own file under `commands/` and registers itself here.
 */
export function buildProgram(): Command {
  const program = new Command("pos-agent")
    .description("Vipps MobilePay POS edge agent")
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerConfigCommands(program);
  registerDoctorCommand(program);
  registerStatusCommand(program);
  registerSetupCommand(program);
  registerReportCommand(program);
  registerReprintCommand(program);
  registerRefundCommand(program);
  registerConfigEditCommands(program);
  registerRegisterMonitorCommand(program);
  registerRunCommand(program);
  registerDemoCommand(program);
  registerDisplayTestCommand(program);
  registerPrintTestCommand(program);
  registerLoyaltyCommands(program);
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
    process.stderr.write(`pos-agent: ${errorMessage(error)}\n`);
    process.exitCode = EXIT.SOFTWARE;
  }
}

await main(process.argv);
