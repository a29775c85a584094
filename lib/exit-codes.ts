/**
 * Exit codes of `pos-agent`, documented in docs/operations.md ("Exit codes", one table for
 * every command). The values follow sysexits(3) where one fits, so systemd's
 * `RestartPreventExitStatus=78` stops a restart loop on a bad config. Values never change
 * once released: scripts and the unit file depend on them.
 *
 * Per command: `doctor` 0 healthy (warnings allowed) / 1 a check failed; `status`, `reprint`,
 * `refund` 69 when the agent is not running, 77 when its socket refuses this user, 1 when the
 * agent refused the request (its code is printed); `config set` 78 when the result would be
 * invalid (nothing written); `report`, `setup` 69 when the journal or Vipps is unreachable.
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
  /**
   * No answer in time from the running agent (e.g. a refund still waiting for Vipps): the
   * outcome is not known yet — look with `pos-agent status` before trying again.
   */
  TEMPFAIL: 75,
  /**
   * Not allowed: the control socket refused this user (not in the service's group), the config
   * file is not writable (`config set` without sudo), or the journal cannot be opened safely as
   * this user (e.g. root before the agent's first start, when root would create its storage).
   */
  NOPERM: 77,
  /** The configuration (or a secret) is invalid: restarting will not help. */
  CONFIG: 78,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
