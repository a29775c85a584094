import { errorMessage, isAgentError } from "../../lib/errors.js";
import { controlRequest } from "../control/index.js";
import { formatDuration } from "../../lib/terminal-format.js";
import { fail, ok, warn, type Check } from "./check.js";
import { configOf, type DoctorContext } from "./context.js";

/**
 * Is the agent running? When it is, it holds the register's serial port and the printer, so
 * the device checks ask it (its status) instead of opening the devices themselves.
 */
export const agentCheck: Check<DoctorContext> = {
  id: "agent",
  title: "agent",
  needs: ["config"],
  timeoutMs: 4_000,
  timeoutHint:
    "the agent holds its control socket but does not answer: journalctl -u pos-agent -e; sudo systemctl restart pos-agent",
  async run(context) {
    const socketPath = configOf(context).control.socketPath;
    try {
      const status = await controlRequest(socketPath, { method: "status" }, { timeoutMs: 3_000 });
      context.agent = status;
      context.agentRuns = "yes";
      const how =
        status.identification === undefined
          ? ""
          : `; customers by ${status.identification.current === "per-sale" ? "per-sale QR" : "the till's QR"} (${status.identification.reason})`;
      const who = `running, pid ${status.pid}, up ${formatDuration(status.uptimeSeconds)}${how}`;
      if (!status.ready)
        return warn(`${who}, not ready yet`, "starting or stopping: systemctl status pos-agent");
      if (status.degraded.length > 0)
        return warn(
          `${who}, serving degraded: ${status.degraded.join("; ")}`,
          "the checks below say what to fix; pos-agent status shows the live state",
        );
      return ok(`${who}, serving`);
    } catch (error) {
      context.agentRuns = isAgentError(error, "CONTROL_NOT_RUNNING") ? "no" : "cannot tell";
      if (isAgentError(error, "CONTROL_NOT_RUNNING")) {
        return warn(
          `not running (nothing answers on ${socketPath}); the checks below open the devices themselves`,
          "start it when done: sudo systemctl start pos-agent (systemctl status pos-agent says why it stopped)",
        );
      }
      if (isAgentError(error, "CONTROL_PERMISSION_DENIED")) {
        return warn(
          `cannot ask it: ${socketPath} refuses this user; the checks below open the devices themselves`,
          "run the doctor with sudo, or join the service's group: sudo usermod -aG pos-agent $USER",
        );
      }
      return fail(
        `its control socket answers badly: ${isAgentError(error) ? `${error.code}: ` : ""}${errorMessage(error)}`,
        "sudo systemctl restart pos-agent; then journalctl -u pos-agent -e",
      );
    }
  },
};
