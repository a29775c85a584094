import type { Command } from "commander";
import { EXIT } from "../../lib/exit-codes.js";
import { createLogger } from "../../lib/log.js";
import { startBridge } from "../server.js";
import { parseBridgeEnv } from "../settings.js";
import type { CliContext } from "./context.js";

/**
 * `pos-bridge serve`: the bridge as a 12-factor service. Configuration comes only from the
 * environment (docs/mqtt-contract.md §Running the bridge); every invalid variable is listed at
 * once and the process exits 78 (EX_CONFIG) so a supervisor does not restart-loop on it.
 * SIGTERM/SIGINT: stop accepting, finish in-flight publishes, disconnect, exit 0.
 */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command("serve")
    .description(
      "receive Vipps webhooks over HTTP and publish them to the tills over MQTT (configured by environment variables)",
    )
    .action(async () => {
      const { settings, problems } = parseBridgeEnv(ctx.env);
      if (settings === undefined) {
        ctx.stderr.write(`pos-bridge: invalid environment, ${problems.length} problem(s):\n`);
        for (const problem of problems) ctx.stderr.write(`  ${problem}\n`);
        ctx.exitCode = EXIT.CONFIG;
        return;
      }
      const logger = createLogger({
        base: { service: "pos-bridge" },
        ...(ctx.env.LOG_LEVEL === undefined ? {} : { level: ctx.env.LOG_LEVEL }),
      });
      const bridge = await startBridge({ ...settings, logger });
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals): void => {
          logger.info({ signal }, "signal received");
          process.off("SIGTERM", stop);
          process.off("SIGINT", stop);
          resolve();
        };
        process.on("SIGTERM", stop);
        process.on("SIGINT", stop);
      });
      await bridge.close();
      ctx.exitCode = EXIT.OK;
    });
}
