import type { Command } from "commander";
import { runDaemon } from "../../runtime/daemon.js";
import { describeCodeCacheUse, type CodeCacheUse } from "../code-cache/use.js";
import { DEFAULT_CONFIG_FILE } from "./config.js";

export function registerRunCommand(program: Command, codeCache: CodeCacheUse): void {
  program
    .command("run")
    .description("run the agent (the daemon systemd starts): register, display, printer, MQTT link, payments")
    .option("-c, --config <file>", "config file", DEFAULT_CONFIG_FILE)
    .action(async (options: { config: string }) => {
      const code = await runDaemon(options.config, {}, describeCodeCacheUse(codeCache));
      // Shutdown is complete (journal closed, links stopped, systemd told): exit now rather than
      // wait for a device library's stray handle to let the event loop drain.
      process.exit(code);
    });
}
