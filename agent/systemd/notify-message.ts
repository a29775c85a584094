import { AgentError } from "../../lib/errors.js";

/**
 * The sd_notify(3) protocol, pure: a notification is one datagram of newline-separated
 * `VARIABLE=VALUE` assignments sent to `$NOTIFY_SOCKET`. This file turns the agent's intent
 * into those assignments; `notifier.ts` delivers them.
 */

export type SystemdErrorCode =
  /** A message the protocol cannot carry (e.g. a negative timeout extension). */
  | "SYSTEMD_BAD_MESSAGE"
  /** `systemd-notify` could not be run, failed, or did not finish in time. */
  | "SYSTEMD_NOTIFY_FAILED";

export type NotifyMessage =
  /** Start-up finished: the agent is serving (possibly degraded). `READY=1`. */
  | { readonly kind: "ready"; readonly status?: string }
  /** Free-form one-line status shown by `systemctl status`. `STATUS=…`. */
  | { readonly kind: "status"; readonly status: string }
  /** Keep-alive for `WatchdogSec=`. `WATCHDOG=1`. */
  | { readonly kind: "watchdog" }
  /** Shutting down (sent on SIGTERM before the links close). `STOPPING=1`. */
  | { readonly kind: "stopping"; readonly status?: string }
  /**
   * Reloading the configuration; send `ready` when done. `RELOADING=1` plus `MONOTONIC_USEC`
   * (CLOCK_MONOTONIC, µs), which systemd ≥ 253 requires for `Type=notify-reload` and older
   * versions ignore.
   */
  | { readonly kind: "reloading"; readonly monotonicUsec: bigint; readonly status?: string }
  /**
   * Ask for more time than `TimeoutStartSec=`/`TimeoutStopSec=` while start-up (e.g. the
   * reconciliation of unfinished payments) or shutdown is still making progress.
   * `EXTEND_TIMEOUT_USEC=…`, systemd ≥ 236. `ms`: 1 ms to 1 hour.
   */
  | { readonly kind: "extend-timeout"; readonly ms: number };

/** systemd truncates nothing, but `systemctl status` shows one line: keep it short. */
export const STATUS_MAX_CHARS = 200;

const EXTEND_MAX_MS = 3_600_000;

/**
 * A status text safe for the protocol: one line (a newline would start a new assignment, so
 * `"x\nREADY=1"` could forge readiness), no control characters, at most STATUS_MAX_CHARS.
 */
export function sanitizeStatus(text: string): string {
  const oneLine = text
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/ {2,}/g, " ")
    .trim();
  return oneLine.length <= STATUS_MAX_CHARS ? oneLine : `${oneLine.slice(0, STATUS_MAX_CHARS - 1)}…`;
}

function withStatus(first: string, status: string | undefined): string[] {
  return status === undefined ? [first] : [first, `STATUS=${sanitizeStatus(status)}`];
}

/** The assignments of one notification, in the order they are sent. */
export function notifyAssignments(message: NotifyMessage): string[] {
  switch (message.kind) {
    case "ready":
      return withStatus("READY=1", message.status);
    case "status":
      return [`STATUS=${sanitizeStatus(message.status)}`];
    case "watchdog":
      return ["WATCHDOG=1"];
    case "stopping":
      return withStatus("STOPPING=1", message.status);
    case "reloading":
      if (message.monotonicUsec < 0n) {
        throw new AgentError<SystemdErrorCode>("SYSTEMD_BAD_MESSAGE", "MONOTONIC_USEC must not be negative");
      }
      return [
        "RELOADING=1",
        `MONOTONIC_USEC=${message.monotonicUsec}`,
        ...(message.status === undefined ? [] : [`STATUS=${sanitizeStatus(message.status)}`]),
      ];
    case "extend-timeout": {
      const { ms } = message;
      if (!Number.isInteger(ms) || ms < 1 || ms > EXTEND_MAX_MS) {
        throw new AgentError<SystemdErrorCode>(
          "SYSTEMD_BAD_MESSAGE",
          `timeout extension must be an integer from 1 to ${EXTEND_MAX_MS} ms`,
          { details: { ms } },
        );
      }
      return [`EXTEND_TIMEOUT_USEC=${ms * 1000}`];
    }
  }
}
