import { spawn } from "node:child_process";
import { systemClock, type Clock } from "../../lib/clock.js";
import { AgentError, errorMessage } from "../../lib/errors.js";
import { silentLogger, type Logger } from "../../lib/log.js";
import { notifyAssignments, type NotifyMessage, type SystemdErrorCode } from "./notify-message.js";

/**
 * Delivers sd_notify(3) messages to systemd.
 *
 * Transport: Node has no AF_UNIX datagram sockets in core, and the native modules that add
 * them (`sd-notify`, `unix-dgram`) need a compiler and libsystemd headers on the Pi. So each
 * message is handed to `systemd-notify VAR=VALUE …`, which ships with systemd itself — it is
 * present wherever `$NOTIFY_SOCKET` is set — and also handles abstract (`@…`) socket
 * addresses. Two consequences, both handled in systemd/pos-agent.service:
 *  - the datagram comes from a child process, so the unit needs `NotifyAccess=all`;
 *  - systemd attributes a datagram to a unit by the sender's cgroup, which is lost if the
 *    sender exits before PID 1 reads it. `systemd-notify` (systemd ≥ 246) therefore waits
 *    for PID 1 to process the message (`BARRIER=1`) before it exits; we do not pass
 *    `--no-block`.
 *
 * Contract: without `$NOTIFY_SOCKET` every call is a no-op resolving `false`; no call ever
 * rejects or throws into the caller — failures are logged and resolve `false`. Messages are
 * delivered one at a time in call order; a `status` or `watchdog` message still waiting
 * behind a slow one is replaced by a newer one of the same kind (only the latest status
 * matters, and one keep-alive is as good as two), which bounds the queue.
 */
export interface SystemdNotifier {
  /** True when `$NOTIFY_SOCKET` is set, i.e. the process runs under `Type=notify`. */
  readonly enabled: boolean;
  ready(status?: string): Promise<boolean>;
  status(text: string): Promise<boolean>;
  watchdog(): Promise<boolean>;
  stopping(status?: string): Promise<boolean>;
  /** Call before re-reading the config; call `ready()` when the reload is done. */
  reloading(status?: string): Promise<boolean>;
  /** Ask for `ms` more milliseconds of start-up or shutdown time (1 ms to 1 hour). */
  extendTimeout(ms: number): Promise<boolean>;
  /** Resolves once every message sent so far has been delivered or has failed. */
  flush(): Promise<void>;
}

export interface NotifierOptions {
  /** Where `NOTIFY_SOCKET` and `PATH` are read; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** The helper executable; `systemd-notify` (looked up on PATH) by default. */
  command?: string;
  /**
   * How long one delivery may take before the helper is killed, ms. Default 10000: longer
   * than systemd-notify's own 5 s wait for PID 1, so its own error message wins.
   */
  timeoutMs?: number;
  clock?: Clock;
  /** CLOCK_MONOTONIC in µs, for `RELOADING=1`; `process.hrtime` (which is CLOCK_MONOTONIC on Linux) by default. */
  monotonicUsec?: () => bigint;
}

interface Pending {
  message: NotifyMessage;
  resolvers: ((delivered: boolean) => void)[];
}

const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function createSystemdNotifier(options: NotifierOptions = {}): SystemdNotifier {
  const env = options.env ?? process.env;
  const socket = env.NOTIFY_SOCKET;
  const enabled = socket !== undefined && socket !== "";
  const logger = (options.logger ?? silentLogger()).child({ module: "systemd" });
  const command = options.command ?? "systemd-notify";
  const timeoutMs = options.timeoutMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  const monotonicUsec = options.monotonicUsec ?? (() => process.hrtime.bigint() / 1000n);

  const queue: Pending[] = [];
  let busy = false;
  let failing = false;
  let idleWaiters: (() => void)[] = [];

  const deliver = (assignments: readonly string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn(command, assignments, {
        // Only what the helper needs: the socket address and a PATH.
        env: { NOTIFY_SOCKET: socket, PATH: env.PATH ?? DEFAULT_PATH },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        if (stderr.length < 1000) stderr += chunk.toString("utf8");
      });
      const timer = clock.setTimeout(() => {
        child.kill("SIGKILL");
        reject(
          new AgentError<SystemdErrorCode>(
            "SYSTEMD_NOTIFY_FAILED",
            `${command} did not finish within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      child.on("error", (error) => {
        clock.clearTimeout(timer);
        reject(
          new AgentError<SystemdErrorCode>(
            "SYSTEMD_NOTIFY_FAILED",
            `cannot run ${command}: ${error.message}`,
            { cause: error },
          ),
        );
      });
      child.on("close", (code, signal) => {
        clock.clearTimeout(timer);
        if (code === 0) {
          resolve();
          return;
        }
        const why = stderr.trim().split("\n").pop() ?? "";
        reject(
          new AgentError<SystemdErrorCode>(
            "SYSTEMD_NOTIFY_FAILED",
            `${command} exited with ${code ?? signal ?? "?"}${why === "" ? "" : `: ${why}`}`,
          ),
        );
      });
    });

  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      let delivered = false;
      try {
        await deliver(notifyAssignments(next.message));
        delivered = true;
        if (failing) logger.info("systemd notifications delivered again");
        failing = false;
      } catch (error) {
        // Logged once per outage: a missing helper would otherwise log every watchdog period.
        if (!failing)
          logger.error(
            { err: error, kind: next.message.kind },
            `systemd notification failed: ${errorMessage(error)}`,
          );
        failing = true;
      }
      for (const resolve of next.resolvers) resolve(delivered);
    }
    busy = false;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };

  const send = (message: NotifyMessage): Promise<boolean> => {
    if (!enabled) return Promise.resolve(false);
    try {
      notifyAssignments(message); // refuse a malformed message now, not in the queue
    } catch (error) {
      logger.error(
        { err: error, kind: message.kind },
        `systemd notification refused: ${errorMessage(error)}`,
      );
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const last = queue[queue.length - 1];
      const replaceable = message.kind === "status" || message.kind === "watchdog";
      if (replaceable && last !== undefined && last.message.kind === message.kind) {
        last.message = message;
        last.resolvers.push(resolve);
      } else {
        queue.push({ message, resolvers: [resolve] });
      }
      void pump();
    });
  };

  return {
    enabled,
    ready: (status) => send(status === undefined ? { kind: "ready" } : { kind: "ready", status }),
    status: (text) => send({ kind: "status", status: text }),
    watchdog: () => send({ kind: "watchdog" }),
    stopping: (status) => send(status === undefined ? { kind: "stopping" } : { kind: "stopping", status }),
    reloading: (status) =>
      send(
        status === undefined
          ? { kind: "reloading", monotonicUsec: monotonicUsec() }
          : { kind: "reloading", monotonicUsec: monotonicUsec(), status },
      ),
    extendTimeout: (ms) => send({ kind: "extend-timeout", ms }),
    flush: () =>
      !busy && queue.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            idleWaiters.push(resolve);
          }),
  };
}
