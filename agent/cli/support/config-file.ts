import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { ConfigError, parseConfigText } from "../../../config/load.js";
import type { Config } from "../../../config/schema.js";

/**
 * The config file without its secrets, for commands that need no credentials (`status`,
 * `reprint`, `refund`, `report`): the file is readable by the service's group (0640
 * root:pos-agent), the secrets only by root. Paths the commands use are resolved against the
 * config file's directory, as `loadConfig` does. Throws `ConfigError` like `loadConfig`.
 */
export interface ConfigFile {
  readonly file: string;
  readonly config: Config;
}

export function readConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError("CONFIG_UNREADABLE", file, [`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  const parsed = parseConfigText(text);
  if (parsed.config === undefined) throw new ConfigError("CONFIG_INVALID", file, parsed.problems);
  const base = dirname(resolve(file));
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const config = parsed.config;
  return {
    file: resolve(file),
    config: {
      ...config,
      storage: { ...config.storage, directory: abs(config.storage.directory) },
      control: { socketPath: abs(config.control.socketPath) },
      secrets: { directory: abs(config.secrets.directory) },
    },
  };
}

/** One line per problem, for stderr. */
export function describeConfigError(error: ConfigError): string {
  return `✗ ${String(error.details.file)}: ${error.problems.length} problem(s)\n${error.problems.map((p) => `  ${p}\n`).join("")}`;
}
