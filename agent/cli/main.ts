#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { errorMessage } from "../../lib/errors.js";
import { terminalSafe } from "../../lib/terminal-text.js";
import { VERSION } from "../../lib/version.js";
import { EXIT } from "../../lib/exit-codes.js";

type Registrar = (program: Command) => void;

/**
 * Every subcommand, by name, with the module that defines it. Each lives in its own file under
 * `commands/`; only the one being run is loaded, so `pos-agent run` (the daemon) starts without
 * the technician tools' dependencies — on a Pi that is a noticeable part of the start-up time
 * and memory.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Registrar>>> = {
  run: async () => (await import("./commands/run.js")).registerRunCommand,
  config: async () => {
    const [check, edit] = await Promise.all([
      import("./commands/config.js"),
      import("./commands/config-edit.js"),
    ]);
    return (program) => {
      check.registerConfigCommands(program);
      edit.registerConfigEditCommands(program);
    };
  },
  doctor: async () => (await import("./commands/doctor.js")).registerDoctorCommand,
  status: async () => (await import("./commands/status.js")).registerStatusCommand,
  setup: async () => (await import("./commands/setup.js")).registerSetupCommand,
  report: async () => (await import("./commands/report.js")).registerReportCommand,
  reprint: async () => (await import("./commands/reprint.js")).registerReprintCommand,
  refund: async () => (await import("./commands/refund.js")).registerRefundCommand,
  "register-monitor": async () =>
    (await import("./commands/register-monitor.js")).registerRegisterMonitorCommand,
  "display-test": async () => (await import("./commands/display-test.js")).registerDisplayTestCommand,
  "print-test": async () => (await import("./commands/print-test.js")).registerPrintTestCommand,
  loyalty: async () => (await import("./commands/loyalty.js")).registerLoyaltyCommands,
};

/** The program with the named command only, or with all of them (help, unknown names). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command("pos-agent")
    .description("Vipps MobilePay POS edge agent")
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  const names = only !== undefined && only in COMMANDS ? [only] : Object.keys(COMMANDS);
  const loaders = names.flatMap((name) => COMMANDS[name] ?? []);
  const registrars = await Promise.all(loaders.map((load) => load()));
  for (const register of registrars) register(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv[2]);
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

await main(process.argv);
