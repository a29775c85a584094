import type { Command } from "commander";
import { controlRequest } from "../../control/index.js";
import { EXIT } from "../../../lib/exit-codes.js";
import { addAgentTargetOptions, agentTarget, type AgentTargetOptions } from "../support/agent-target.js";
import { processIo, type CliIo } from "../support/cli-io.js";
import { reportFailure } from "../support/failure.js";
import { jsonOutput } from "../../../lib/terminal-format.js";
import { withProgress } from "../support/progress.js";
import { renderStatus } from "../support/status-text.js";

/**
 * `pos-agent status [--json]`: the running agent's live state over its control socket — the
 * sale in progress, each link, the last 10 sales, counters. Exit 0 when the agent answered
 * (degraded or not: `doctor` gives the verdict), 69 when it is not running, 77 when the socket
 * refuses this user.
 */
export function registerStatusCommand(program: Command, io: CliIo = processIo): void {
  addAgentTargetOptions(
    program
      .command("status")
      .description("live state of the running agent: current sale, links, last 10 sales, counters")
      .option("--json", "print the status as JSON"),
  ).action(async (options: AgentTargetOptions & { json?: boolean }) => {
    let socketPath: string | undefined;
    try {
      const target = agentTarget(options);
      socketPath = target.socketPath;
      const status = await withProgress(
        io,
        "asking the agent",
        controlRequest(target.socketPath, { method: "status" }, { timeoutMs: 5_000 }),
      );
      io.out(options.json === true ? jsonOutput(status, 2) : renderStatus(status));
      io.setExitCode(EXIT.OK);
    } catch (error) {
      reportFailure(io, error, socketPath === undefined ? {} : { socketPath });
    }
  });
}
