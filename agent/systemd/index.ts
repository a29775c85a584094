/**
 * The agent's side of systemd supervision (systemd/pos-agent.service: `Type=notify`,
 * `NotifyAccess=all`, `WatchdogSec=`). Outside systemd (`npm start`, tests) everything here
 * is a silent no-op, so the composition root calls it unconditionally:
 *
 * ```ts
 * const notifier = createSystemdNotifier({ logger });
 * const watchdog = createWatchdog({ notifier, logger, healthy: () => agent.health() });
 * watchdog.start();                          // at once: start-up counts against the watchdog too
 * await notifier.status("reconciling 2 unfinished payments");
 * await notifier.ready("serving; printer offline");    // serving, possibly degraded
 * // SIGTERM:
 * await notifier.stopping();
 * watchdog.stop();
 * await notifier.flush();                    // before process exit
 * ```
 *
 * Exit codes are systemd's business too: exit 78 (EXIT.CONFIG, lib/exit-codes.ts) on a
 * bad config or secret stops the restart loop (`RestartPreventExitStatus=78`).
 */
export { createSystemdNotifier } from "./notifier.js";
export { createWatchdog } from "./watchdog.js";
export { unitNodeFlags } from "./unit-node-flags.js";
