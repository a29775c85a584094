import type { Config } from "../../../config/schema.js";
import { AgentError, isAgentError } from "../../../lib/errors.js";
import { createPrinter, type PrintDocument } from "../../../drivers/printer/index.js";
import { controlRequest } from "../../control/index.js";
import type { CliIo } from "./cli-io.js";
import { withProgress } from "./progress.js";

/**
 * Prints a document (end-of-day report, QR sticker) on the till's printer. While the agent runs
 * it owns the printer, so the document goes into its print queue over the control socket; when
 * the agent is not running (or is a release without `print`) it is printed directly. Rejects
 * with NO_PRINTER when `printer.uri` is none, or with the printer's own code (PRINTER_PAPER_OUT …).
 */
export async function printDocument(io: CliIo, config: Config, document: PrintDocument): Promise<string> {
  if (config.printer.uri === "none")
    throw new AgentError("NO_PRINTER", "no receipt printer is configured (printer.uri is none)");
  try {
    const { jobId } = await withProgress(
      io,
      "handing it to the agent's printer",
      controlRequest(config.control.socketPath, { method: "print", document }, { timeoutMs: 10_000 }),
    );
    return `queued on the agent's printer (job ${jobId})`;
  } catch (error) {
    if (!isAgentError(error, ["CONTROL_NOT_RUNNING", "CONTROL_UNSUPPORTED"])) throw error;
  }
  const printer = createPrinter(config.printer.uri, {
    model: config.printer.model,
    columns: config.printer.columns,
    statusTimeoutMs: config.printer.statusTimeoutMs,
  });
  if (printer === undefined)
    throw new AgentError("NO_PRINTER", "no receipt printer is configured (printer.uri is none)");
  try {
    await withProgress(io, `printing on ${config.printer.uri}`, printer.print(document));
  } finally {
    await printer.close();
  }
  return `printed on ${config.printer.uri}`;
}
