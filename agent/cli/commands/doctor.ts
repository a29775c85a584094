import type { Command } from "commander";
import { defaultEnvironment, renderDoctor, runDoctor, type DoctorEnvironment } from "../../doctor/index.js";
import { EXIT } from "../../../lib/exit-codes.js";
import { processIo, type CliIo } from "../support/cli-io.js";
import { reportFailure } from "../support/failure.js";
import { jsonOutput } from "../../../lib/terminal-format.js";
import { withProgress } from "../support/progress.js";
import { DEFAULT_CONFIG_FILE } from "./config.js";

/**
 * `pos-agent doctor [--json]`: checks the whole till — config, secrets, clock, the agent,
 * register, printer, display, GPIO, broker, Vipps token, the till's QR, disk, journal, the code cache — each
 * with ✓ / ! / ✗ and a one-line fix. Independent checks run in parallel, each within its own
 * timeout. Exit 0 when no check failed (warnings allowed), 1 otherwise. Run it with sudo: the
 * secrets are root's, and the journal is then read as its owner.
 */
export function registerDoctorCommand(
  program: Command,
  io: CliIo = processIo,
  environment: (configFile: string) => DoctorEnvironment = defaultEnvironment,
): void {
  program
    .command("doctor")
    .description("check everything a till needs, with a fix for every problem")
    .option("-c, --config <file>", "config file", DEFAULT_CONFIG_FILE)
    .option("--json", "print the results as JSON")
    .action(async (options: { config: string; json?: boolean }) => {
      try {
        const report = await withProgress(io, "checking the till", runDoctor(environment(options.config)));
        io.out(options.json === true ? jsonOutput(report, 2) : renderDoctor(report));
        io.setExitCode(report.healthy ? EXIT.OK : EXIT.FAILURE);
      } catch (error) {
        reportFailure(io, error);
      }
    });
}
