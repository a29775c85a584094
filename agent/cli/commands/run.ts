import type { Command } from "commander";
import { runDaemon } from "../../runtime/daemon.js";
import { DEFAULT_CONFIG_FILE } from "./config.js";

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("run the agent (the daemon systemd starts): register, display, printer, MQTT link, payments")
    .option("-c, --config <file>", "config file", DEFAULT_CONFIG_FILE)
    .action(async (options: { config: string }) => {
      process.exitCode = await runDaemon(options.config);
    });
}
