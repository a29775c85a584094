/**
 * Exit codes of `pos-agent`, documented in docs/operations.md. The values follow sysexits(3)
 * where one fits, so systemd's `RestartPreventExitStatus=78` stops a restart loop on a bad
 * config.
 */
export const EXIT = {
  OK: 0,
  /** The command ran and found something wrong (a failed check, a failed sale in a demo). */
  FAILURE: 1,
  /** Wrong command-line usage. */
  USAGE: 64,
  /** A device or service the command needs is not there. */
  UNAVAILABLE: 69,
  /** An unexpected internal error. */
  SOFTWARE: 70,
  /** The configuration (or a secret) is invalid: restarting will not help. */
  CONFIG: 78,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
