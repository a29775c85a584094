import type { Command } from "commander";
import { terminalSafe } from "../../../lib/terminal-text.js";
import { controlRequest } from "../../control/index.js";
import { EXIT } from "../../../lib/exit-codes.js";
import { addAgentTargetOptions, agentTarget, type AgentTargetOptions } from "../support/agent-target.js";
import { processIo, type CliIo } from "../support/cli-io.js";
import { reportFailure } from "../support/failure.js";
import { jsonOutput } from "../../../lib/terminal-format.js";
import { withProgress } from "../support/progress.js";

/**
 * `pos-agent reprint [<sale>]`: the running agent prints a receipt again, marked COPY — of the
 * sale given by its sale id, payment reference or sale number, or of the last captured sale.
 * Exit 0 when queued on the printer, 1 when the agent refused (UNKNOWN_SALE, NO_PRINTER …).
 */
export function registerReprintCommand(program: Command, io: CliIo = processIo): void {
  addAgentTargetOptions(
    program
      .command("reprint")
      .description("print a receipt again, marked COPY (default: the last captured sale)")
      .argument("[sale]", "sale id, payment reference or sale number")
      .option("--json", "print the result as JSON"),
  ).action(async (sale: string | undefined, options: AgentTargetOptions & { json?: boolean }) => {
    let socketPath: string | undefined;
    try {
      const target = agentTarget(options);
      socketPath = target.socketPath;
      const request =
        sale === undefined ? ({ method: "reprint" } as const) : ({ method: "reprint", sale } as const);
      const result = await withProgress(
        io,
        "asking the agent",
        controlRequest(target.socketPath, request, { timeoutMs: 10_000 }),
      );
      io.out(
        options.json === true
          ? jsonOutput(result)
          : `✓ copy of sale ${terminalSafe(result.saleId)} queued on the printer (job ${terminalSafe(result.jobId)})\n`,
      );
      io.setExitCode(EXIT.OK);
    } catch (error) {
      reportFailure(io, error, socketPath === undefined ? {} : { socketPath });
    }
  });
}
