import type { Command } from "commander";
import { refundSocketPath } from "../../../config/load.js";
import { DEFAULT_CONFIG_FILE } from "../commands/config.js";
import { readConfigFile, type ConfigFile } from "./config-file.js";

/** Options of every command that talks to the running agent. */
export interface AgentTargetOptions {
  config: string;
  socket?: string;
}

/**
 * Which of the agent's sockets a command uses: `control` (status, reprint, setup, report) for
 * the service's group, `refund` (money-moving requests) for the refund group only
 * (docs/operations.md, "The control sockets").
 */
export type AgentSocket = "control" | "refund";

export function addAgentTargetOptions(command: Command, socket: AgentSocket = "control"): Command {
  return command
    .option(
      "-c, --config <file>",
      `config file (for control.${socket === "control" ? "socketPath" : "refundSocketPath"})`,
      DEFAULT_CONFIG_FILE,
    )
    .option(
      "--socket <path>",
      socket === "control"
        ? "the agent's control socket (default: control.socketPath of the config)"
        : "the agent's refund socket (default: control.refundSocketPath of the config)",
    );
}

export interface AgentTarget {
  readonly socketPath: string;
  /** The group the socket belongs to, for the hint when it refuses this login. */
  readonly group: string;
  /** Absent when --socket was given and the config could not be read. */
  readonly config?: ConfigFile["config"];
}

/**
 * Where the running agent listens. The config is read without its secrets (a technician in
 * the service's group can read the file, not the secrets); with --socket a missing or broken
 * config is no obstacle. Throws ConfigError otherwise.
 */
export function agentTarget(options: AgentTargetOptions, socket: AgentSocket = "control"): AgentTarget {
  const where = (config: ConfigFile["config"]): string =>
    socket === "control" ? config.control.socketPath : refundSocketPath(config);
  const groupOf = (config?: ConfigFile["config"]): string =>
    socket === "control" ? "pos-agent" : (config?.control.refundGroup ?? "pos-agent-refund");
  if (options.socket !== undefined) {
    try {
      const { config } = readConfigFile(options.config);
      return { socketPath: options.socket, group: groupOf(config), config };
    } catch {
      return { socketPath: options.socket, group: groupOf() };
    }
  }
  const { config } = readConfigFile(options.config);
  return { socketPath: where(config), group: groupOf(config), config };
}
