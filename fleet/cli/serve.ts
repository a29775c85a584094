import type { Command } from "commander";
import { EXIT } from "../../lib/exit-codes.js";
import { errorMessage, isAgentError } from "../../lib/errors.js";
import { createLogger } from "../../lib/log.js";
import { startFleet } from "../service.js";
import { parseFleetEnv } from "../settings.js";
import type { FleetCliContext } from "./context.js";

/**
 * `pos-fleet serve`: the fleet service, configured only by environment variables
 * (docs/fleet.md §Configuration). Every invalid variable is listed at once and the process exits
 * 78 (EX_CONFIG) so systemd does not restart into the same error; a store of another MSN is 78
 * too. SIGTERM/SIGINT: stop the web server and the broker link (the session stays), close the
 * store, exit 0.
 */
export function registerServeCommand(program: Command, ctx: FleetCliContext): void {
  program
    .command("serve")
    .description(
      "watch an MSN's tills: web page, JSON API, Prometheus metrics and alerts (configured by environment variables)",
    )
    .action(async () => {
      const { settings, problems } = parseFleetEnv(ctx.env);
      if (settings === undefined) {
        ctx.stderr.write(`pos-fleet: invalid environment, ${problems.length} problem(s):\n`);
        for (const problem of problems) ctx.stderr.write(`  ${problem}\n`);
        ctx.exitCode = EXIT.CONFIG;
        return;
      }
      const logger = createLogger({
        base: { service: "pos-fleet" },
        ...(ctx.env.LOG_LEVEL === undefined ? {} : { level: ctx.env.LOG_LEVEL }),
      });
      let fleet;
      try {
        fleet = await startFleet(settings, { logger });
      } catch (error) {
        logger.fatal(
          { err: isAgentError(error) ? error.toJSON() : errorMessage(error) },
          "the fleet service could not start",
        );
        ctx.stderr.write(`pos-fleet: ${errorMessage(error)}\n`);
        ctx.exitCode = isAgentError(error, "FLEET_STORE_OTHER_MSN") ? EXIT.CONFIG : EXIT.UNAVAILABLE;
        return;
      }
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
      await fleet.close();
      ctx.exitCode = EXIT.OK;
    });
}
