import type { Command } from "commander";
import { ConfigError, loadConfig } from "../../../config/load.js";
import { terminalSafe } from "../../../lib/terminal-text.js";
import { EXIT } from "../../../lib/exit-codes.js";

export const DEFAULT_CONFIG_FILE = "/etc/pos-agent/pos-agent.yaml";

export function registerConfigCommands(program: Command): void {
  const config = program.command("config").description("check and edit the configuration file");

  config
    .command("check")
    .description("validate the config file and its secrets; lists every problem at once")
    .option("-c, --config <file>", "config file", DEFAULT_CONFIG_FILE)
    .action((options: { config: string }) => {
      try {
        const loaded = loadConfig(options.config);
        process.stdout.write(
          `✓ ${loaded.file}: valid (till ${terminalSafe(loaded.config.till.id)}, MSN ${terminalSafe(loaded.config.vipps.msn)})\n`,
        );
        process.exitCode = EXIT.OK;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`✗ ${error.code}: ${options.config}: ${error.problems.length} problem(s)\n`);
        for (const problem of error.problems) process.stderr.write(`  ${terminalSafe(problem)}\n`);
        process.exitCode = EXIT.CONFIG;
      }
    });
}
