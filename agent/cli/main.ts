#!/usr/bin/env node
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { codeCacheFiles } from "./code-cache/files.js";
import { loadCachedDaemon } from "./code-cache/load.js";
import type { CodeCacheUse } from "./code-cache/use.js";

type Registrar = (program: Command) => void;

/** What a command may need to know about how this CLI was started. */
interface StartContext {
  /** The build's dist/ (this file is dist/bundle/pos-agent.js, rolldown.config.ts). */
  distDir: string;
  codeCache: CodeCacheUse;
}

/**
 * Every subcommand, by name, with the module that defines it. Each lives in its own file under
 * `commands/`; only the one being run is loaded, so `pos-agent run` (the daemon) starts without
 * the technician tools' dependencies — on a Pi that is a noticeable part of the start-up time
 * and memory.
 */
const COMMANDS: Readonly<Record<string, (context: StartContext) => Promise<Registrar>>> = {
  run: async ({ codeCache }) => {
    const { registerRunCommand } = await import("./commands/run.js");
    return (program) => registerRunCommand(program, codeCache);
  },
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
  "code-cache": async ({ distDir }) => {
    const { registerCodeCacheCommand } = await import("./commands/code-cache.js");
    return (program) => registerCodeCacheCommand(program, distDir);
  },
};

/** Adds the named command only, or all of them (help, unknown names). */
async function addCommands(program: Command, only: string | undefined, context: StartContext): Promise<void> {
  const names = only !== undefined && only in COMMANDS ? [only] : Object.keys(COMMANDS);
  const loaders = names.flatMap((name) => COMMANDS[name] ?? []);
  const registrars = await Promise.all(loaders.map((load) => load(context)));
  for (const register of registrars) register(program);
}

async function main(argv: string[]): Promise<void> {
  const distDir = fileURLToPath(new URL("..", import.meta.url));
  let codeCache: CodeCacheUse = { used: false, reason: "not looked for" };
  if (argv[2] === "run") {
    // The daemon from its code cache when there is a valid one: the same code, compiled already.
    const cached = loadCachedDaemon(codeCacheFiles(distDir));
    if ("main" in cached) {
      await cached.main(argv, { used: true });
      return;
    }
    codeCache = { used: false, reason: cached.reason };
  }
  // Loaded only now: the daemon from its cache has its own copy of the program and commander.
  const { newProgram, parseProgram } = await import("./program.js");
  const program = newProgram();
  await addCommands(program, argv[2], { distDir, codeCache });
  await parseProgram(program, argv);
}

await main(process.argv);
