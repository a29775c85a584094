import { errorMessage, isAgentError } from "../../lib/errors.js";
import { createPrinter } from "../../drivers/printer/index.js";
import { fail, ok, skip, warn, type Check } from "./check.js";
import { configOf, type DoctorContext } from "./context.js";
import { abortable } from "./abortable.js";

const HINTS: Readonly<Record<string, string>> = {
  paper_out: "put in a new paper roll",
  cover_open: "close the printer's cover",
  offline: "switch the printer on; check its cable or network (pos-agent print-test --printer <uri>)",
};

/** The receipt printer answers its status (`DLE EOT`); through the agent while it runs. */
export const printerCheck: Check<DoctorContext> = {
  id: "printer",
  title: "printer",
  needs: ["config", "agent"],
  timeoutMs: (context) => (context.config?.printer.statusTimeoutMs ?? 1_000) * 3 + 5_000,
  async run(context, signal) {
    const config = configOf(context);
    const uri = config.printer.uri;
    if (uri === "none") return skip("none configured (printer.uri: none): receipts are not printed");
    if (context.agent !== undefined) {
      const printer = context.agent.links.printer;
      if (printer.state === "online") return ok(`online (the agent's), ${printer.queued} queued`);
      if (printer.state === "none")
        return warn(
          "the running agent has no printer, the config has one",
          "restart the agent to apply the config: sudo systemctl restart pos-agent",
        );
      return fail(
        `${printer.state} (the agent's), ${printer.queued} receipts waiting`,
        HINTS[printer.state] ?? "",
      );
    }
    let printer;
    try {
      printer = createPrinter(uri, {
        model: config.printer.model,
        columns: config.printer.columns,
        statusTimeoutMs: config.printer.statusTimeoutMs,
      });
    } catch (error) {
      return fail(
        `${isAgentError(error) ? `${error.code}: ` : ""}${errorMessage(error)}`,
        "fix printer.uri / printer.model / printer.columns (config/pos-agent.example.yaml lists the forms)",
      );
    }
    if (printer === undefined) return skip("none configured");
    try {
      const status = await abortable(printer.status(), signal);
      if (status.status === "online") {
        return status.paperNearEnd === true
          ? warn(`online, paper near its end (${uri})`, "have a new roll ready")
          : ok(`online (${uri})`);
      }
      if (status.status === "unknown") {
        return warn(
          `does not answer status requests (${status.detail}); it may print all the same`,
          `pos-agent print-test --printer ${uri}; some models and links cannot report status`,
        );
      }
      return fail(`${status.status}: ${status.detail} (${uri})`, HINTS[status.status] ?? "");
    } finally {
      await printer.close();
    }
  },
};
