import { ConfigError, loadConfig, refundSocketPath, type LoadedConfig } from "../../config/load.js";
import { systemClock, type TimerHandle } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import { createLogger, type Logger } from "../../lib/log.js";
import { EXIT, type ExitCode } from "../../lib/exit-codes.js";
import { createSystemdNotifier, createWatchdog } from "../systemd/index.js";
import { VERSION } from "../../lib/version.js";
import {
  CONTROL_SOCKET_METHODS,
  MONEY_METHODS,
  startControlServer,
  type ControlServerOptions,
} from "../control/index.js";
import { networkInterfaces } from "node:os";
import { statusTicket } from "../report/index.js";
import { QR_CONTENT_KEY, startAgent, type AgentParts, type RunningAgent } from "./agent.js";
import { controlApi } from "./control-api.js";
import { devicesFromConfig } from "./devices.js";

/**
 * `pos-agent run`: the daemon's life under systemd — load and check the config (exit 78 when
 * it is invalid, so systemd does not restart into the same error), start the agent with the
 * real devices, tell systemd READY, keep the watchdog fed while healthy, reload on SIGHUP,
 * stop cleanly on SIGTERM/SIGINT.
 */
export async function runDaemon(
  file: string,
  overrides: AgentParts = {},
  /** How the CLI compiled this code: "used" or why its code cache was not (agent/cli/code-cache/). */
  codeCache = "not looked for",
): Promise<ExitCode> {
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`pos-agent: ${error.code}: ${error.message}\n`);
    return EXIT.CONFIG;
  }
  const logger =
    overrides.logger ?? createLogger({ level: loaded.config.log.level, base: { service: "pos-agent" } });
  const notifier = createSystemdNotifier({ logger });
  let agent: RunningAgent | undefined;
  const watchdog = createWatchdog({
    notifier,
    logger,
    healthy: () => agent?.healthy() ?? { healthy: true, reason: "starting" },
  });
  watchdog.start();

  try {
    const devices = await devicesFromConfig(loaded.config, logger, overrides.clock ?? systemClock);
    agent = startAgent(loaded, { logger, ...devices, ...overrides });
  } catch (error) {
    logger.fatal({ err: errorMessage(error) }, "the agent could not start");
    watchdog.stop();
    await notifier.flush();
    return EXIT.UNAVAILABLE;
  }
  const running = agent;
  const api = controlApi(running, loaded.config, VERSION);
  // Two sockets, two groups: reading the till's state is not the power to move its money.
  const serve = (options: Omit<ControlServerOptions, "api" | "logger">) =>
    startControlServer({ ...options, api, logger }).catch((error: unknown) => {
      // The till can take payments without it; the technician's `status` says it is missing.
      logger.error({ err: errorMessage(error), socket: options.socketPath }, "control socket not available");
      return undefined;
    });
  const control = await serve({
    socketPath: loaded.config.control.socketPath,
    methods: CONTROL_SOCKET_METHODS,
  });
  const refunds = await serve({
    socketPath: refundSocketPath(loaded.config),
    methods: MONEY_METHODS,
    group: loaded.config.control.refundGroup,
  });
  await notifier.ready(`serving till ${loaded.config.till.id}`);
  const ticket = loaded.config.printer.statusTicketAtBoot
    ? printStatusTicket(running, loaded, logger)
    : undefined;
  logger.info({ till: loaded.config.till.id, msn: loaded.config.vipps.msn, codeCache }, "agent serving");

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onHup = (): void => reload(file, loaded, logger);
    process.on("SIGHUP", onHup);
    const stop = (s: NodeJS.Signals): void => {
      process.off("SIGHUP", onHup);
      resolve(s);
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  logger.info({ signal }, "stopping");
  await notifier.stopping();
  running.clock.clearTimeout(ticket);
  await control?.close();
  await refunds?.close();
  await running.stop();
  watchdog.stop();
  await notifier.flush();
  return EXIT.OK;
}

/**
 * SIGHUP: re-read the config. An invalid file is reported and ignored — a running till is never
 * taken down by a typo. The log level applies at once; every other change needs a restart
 * (the links, devices and journal are built once), which is said plainly in the log.
 */
function reload(file: string, current: LoadedConfig, logger: Logger): void {
  let next: LoadedConfig;
  try {
    next = loadConfig(file);
  } catch (error) {
    logger.error(
      { problems: error instanceof ConfigError ? error.problems : [errorMessage(error)] },
      "reload refused: the config is invalid; still running with the previous one",
    );
    return;
  }
  logger.level = next.config.log.level;
  const changed = Object.keys(next.config).filter(
    (key) =>
      key !== "log" &&
      JSON.stringify(next.config[key as keyof typeof next.config]) !==
        JSON.stringify(current.config[key as keyof typeof current.config]),
  );
  if (changed.length > 0)
    logger.warn(
      { sections: changed },
      "config changed: restart the service to apply (systemctl restart pos-agent)",
    );
  else logger.info("config reloaded");
}

/** The technician's ticket at boot: version, addresses, till, link states, the QR. */
function printStatusTicket(agent: RunningAgent, loaded: LoadedConfig, logger: Logger): TimerHandle {
  // Give the links a moment to come up, so the ticket shows them as they settle. On the
  // agent's clock like every timer; cleared at stop (it no longer relies on unref()).
  return agent.clock.setTimeout(() => {
    try {
      const qrContent = agent.journal.meta(QR_CONTENT_KEY);
      const ticket = statusTicket({
        status: controlApi(agent, loaded.config, VERSION).status(),
        config: loaded.config,
        ...(qrContent === undefined ? {} : { qrContent }),
        interfaces: networkInterfaces(),
        now: agent.clock.now(),
      });
      agent.receipts.printDocument?.(ticket);
    } catch (error) {
      logger.warn({ err: errorMessage(error) }, "status ticket not printed");
    }
  }, 5_000);
}
