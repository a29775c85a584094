import type { Command } from "commander";
import { DEFAULT_CONFIG_FILE } from "../commands/config.js";
import { readConfigFile, type ConfigFile } from "./config-file.js";

/** Options of every command that talks to the running agent. */
export interface AgentTargetOptions {
  config: string;
  socket?: string;
}

export function addAgentTargetOptions(command: Command): Command {
  return command
    .option("-c, --config <file>", "config file (for control.socketPath)", DEFAULT_CONFIG_FILE)
    .option("--socket <path>", "the agent's control socket (default: control.socketPath of the config)");
}

export interface AgentTarget {
  readonly socketPath: string;
  /** Absent when --socket was given and the config could not be read. */
  readonly config?: ConfigFile["config"];
}

/**
 * Where the running agent listens. The config is read without its secrets (a technician in
 * the service's group can read the file, not the secrets); with --socket a missing or broken
 * config is no obstacle. Throws ConfigError otherwise.
 */
export function agentTarget(options: AgentTargetOptions): AgentTarget {
  if (options.socket !== undefined) {
    try {
      return { socketPath: options.socket, config: readConfigFile(options.config).config };
    } catch {
      return { socketPath: options.socket };
    }
  }
  const { config } = readConfigFile(options.config);
  return { socketPath: config.control.socketPath, config };
}
