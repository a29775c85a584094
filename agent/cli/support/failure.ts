import { ConfigError } from "../../../config/load.js";
import { errorMessage, isAgentError } from "../../../lib/errors.js";
import { terminalSafe } from "../../../lib/terminal-text.js";
import { EXIT, type ExitCode } from "../../../lib/exit-codes.js";
import type { CliIo } from "./cli-io.js";
import { describeConfigError } from "./config-file.js";

/** What to do about the agent's own refusals, for the line under the error. */
const HINTS: Readonly<Record<string, string>> = {
  UNKNOWN_SALE: "`pos-agent status` lists the last sales with their references; `pos-agent report` the day's",
  NOT_CAPTURED: "only a captured sale can be refunded",
  REFUND_TOO_LARGE: "more than was captured and not yet refunded; `pos-agent status` shows both amounts",
  NO_PRINTER: "no receipt printer is configured (printer.uri)",
  TIMEOUT:
    "Vipps did not answer in time; the outcome is not known yet: check `pos-agent status` before trying again",
  VIPPS_UNAVAILABLE: "Vipps could not be reached; the agent keeps trying",
  VIPPS_UNAUTHORIZED:
    "Vipps refused the credentials: check vipps.clientId, vipps.msn, vipps.environment and the secrets vipps-client-secret and vipps-subscription-key",
  VIPPS_FORBIDDEN:
    "the sales unit may not use this API: check the products enabled for the MSN in the business portal",
};

/**
 * Prints why a command failed, with what to do, and sets the exit code (docs/operations.md,
 * "Exit codes"). The agent's own refusals keep their code and exit 1.
 */
export function reportFailure(
  io: CliIo,
  error: unknown,
  context: { socketPath?: string; group?: string } = {},
): void {
  const socket = context.socketPath ?? "the control socket";
  const group = context.group ?? "pos-agent";
  const fail = (code: ExitCode, text: string): void => {
    io.err(text.endsWith("\n") ? text : `${text}\n`);
    io.setExitCode(code);
  };
  if (error instanceof ConfigError) {
    fail(EXIT.CONFIG, describeConfigError(error));
    return;
  }
  // The agent's refusals quote what it was given: the register's sale ids, Vipps' texts.
  const message = terminalSafe(errorMessage(error));
  const codeText = isAgentError(error) ? terminalSafe(error.code) : "";
  if (!isAgentError(error)) {
    fail(EXIT.SOFTWARE, `✗ unexpected error: ${message}`);
    return;
  }
  switch (error.code) {
    case "CONTROL_NOT_RUNNING":
      fail(
        EXIT.UNAVAILABLE,
        `✗ the agent is not running: nothing answers on ${socket}\n  check it: systemctl status pos-agent; start it: sudo systemctl start pos-agent`,
      );
      return;
    case "CONTROL_PERMISSION_DENIED":
      fail(
        EXIT.NOPERM,
        `✗ not allowed to use ${socket}\n  add your login to its group: sudo usermod -aG ${group} $USER (then log out and in again), or use sudo`,
      );
      return;
    case "CONTROL_TIMEOUT":
    case "CONTROL_CONNECTION_LOST":
    case "TIMEOUT":
      fail(
        EXIT.TEMPFAIL,
        `✗ ${codeText}: ${message}\n  the outcome is not known yet: check with pos-agent status before trying again`,
      );
      return;
    case "CONTROL_UNSUPPORTED":
      fail(EXIT.UNAVAILABLE, `✗ ${codeText}: ${message}`);
      return;
    case "CONTROL_BUSY":
      fail(EXIT.UNAVAILABLE, `✗ ${codeText}: ${message}`);
      return;
    case "CONTROL_FORBIDDEN":
    case "CONTROL_PEER_UNKNOWN":
      fail(EXIT.NOPERM, `✗ ${codeText}: ${message}`);
      return;
    case "CONTROL_BAD_RESPONSE":
    case "CONTROL_BAD_REQUEST":
    case "CONTROL_UNKNOWN_METHOD":
    case "CONTROL_INTERNAL":
      fail(
        EXIT.SOFTWARE,
        `✗ ${codeText}: ${message}\n  the CLI and the running agent may be different releases: sudo systemctl restart pos-agent`,
      );
      return;
    case "JOURNAL_NO_ACCESS":
      fail(EXIT.NOPERM, `✗ ${codeText}: ${message}`);
      return;
    case "JOURNAL_MISSING":
    case "JOURNAL_OUTDATED":
    case "JOURNAL_UNREADABLE":
      fail(EXIT.UNAVAILABLE, `✗ ${codeText}: ${message}`);
      return;
    case "NOT_CONFIRMED":
      fail(EXIT.USAGE, `✗ ${message}`);
      return;
    case "VIPPS_NETWORK":
    case "VIPPS_TIMEOUT":
    case "VIPPS_SERVER_ERROR":
    case "VIPPS_RATE_LIMITED":
    case "VIPPS_LOCKED":
      fail(
        EXIT.UNAVAILABLE,
        `✗ ${codeText}: ${message}\n  Vipps could not be reached: check the network (and the clock: pos-agent doctor), then try again`,
      );
      return;
    case "REPORT_BAD_DATE":
      fail(EXIT.USAGE, `✗ ${codeText}: ${message}`);
      return;
    default: {
      const hint = HINTS[error.code];
      // The printer is a device the command needs: PRINTER_PAPER_OUT, _OFFLINE … (print-test's rule).
      const device =
        error.code === "NO_PRINTER" ||
        (error.code.startsWith("PRINTER_") && error.code !== "PRINTER_BAD_DOCUMENT");
      fail(
        device ? EXIT.UNAVAILABLE : EXIT.FAILURE,
        `✗ ${codeText}: ${message}${hint === undefined ? "" : `\n  ${hint}`}`,
      );
    }
  }
}
