import { terminalSafe } from "../../../lib/terminal-text.js";
import { readConfigFile, type ConfigError } from "../../../config/load.js";
import type { Config } from "../../../config/schema.js";

export { readConfigFile };

/**
 * The config file without its secrets, for commands that need no credentials (`status`,
 * `reprint`, `refund`, `report`): the file is readable by the service's group (0640
 * root:pos-agent), the secrets only by root (config/load.ts `readConfigFile`).
 */
export interface ConfigFile {
  readonly file: string;
  readonly config: Config;
}

/** One line per problem, for stderr. */
export function describeConfigError(error: ConfigError): string {
  return `✗ ${error.code}: ${String(error.details.file)}: ${error.problems.length} problem(s)\n${error.problems.map((p) => `  ${terminalSafe(p)}\n`).join("")}`;
}
