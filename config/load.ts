import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from "yaml";
import type { z } from "zod";
import { AgentError } from "../lib/errors.js";
import { configSchema, type Config } from "./schema.js";
import { readSecrets, secretsDirectory, type Secrets } from "./secrets.js";

export type ConfigErrorCode = "CONFIG_INVALID" | "CONFIG_UNREADABLE";

/** Thrown with every problem at once; `problems` are `key.path (line N): message` lines. */
export class ConfigError extends AgentError<ConfigErrorCode> {
  readonly problems: readonly string[];
  constructor(code: ConfigErrorCode, file: string, problems: readonly string[]) {
    super(code, `${file}: ${problems.length} problem(s)\n  ${problems.join("\n  ")}`, { details: { file } });
    this.problems = problems;
  }
}

export interface LoadedConfig {
  readonly file: string;
  readonly config: Config;
  readonly secrets: Secrets;
}

/**
 * Alias expansions a config file may make (the yaml library's own default, stated here): a
 * "billion laughs" file — aliases of aliases — would otherwise take all memory to read.
 */
const MAX_YAML_ALIASES = 100;

/**
 * A config file's bytes as text. Refuses bytes that are not UTF-8, naming the first such line:
 * read leniently, they would silently become U+FFFD (a location text or a URL quietly wrong).
 */
function decodeConfigText(file: string, bytes: Uint8Array): string {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    return decoder.decode(bytes);
  } catch {
    // A newline is one byte in UTF-8 and never part of another character: decode line by line.
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] !== 0x0a) continue;
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        break;
      }
      line++;
      start = i + 1;
    }
    throw new ConfigError("CONFIG_INVALID", file, [
      `not UTF-8 text (line ${line}): save the file as UTF-8 (a text editor on the Pi, e.g. nano, does)`,
    ]);
  }
}

/** Reads a config file: CONFIG_UNREADABLE when it cannot be read, CONFIG_INVALID when it is not UTF-8. */
export function readConfigText(file: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ConfigError("CONFIG_UNREADABLE", file, [
      `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    ]);
  }
  return decodeConfigText(file, bytes);
}

/** A config file's YAML: the document and its value, or every YAML-level problem (syntax, too many aliases). */
export type YamlRead =
  | { readonly ok: true; readonly doc: Document; readonly value: unknown; readonly lineCounter: LineCounter }
  | { readonly ok: false; readonly problems: string[] };

export function readYaml(text: string): YamlRead {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return `yaml (line ${pos.line}, column ${pos.col}): ${e.message.split("\n")[0] ?? e.code}`;
      }),
    };
  }
  try {
    return { ok: true, doc, value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) ?? {}, lineCounter };
  } catch (error) {
    // yaml throws a ReferenceError for an alias expansion beyond maxAliasCount.
    return {
      ok: false,
      problems: [
        `yaml: too many aliases (${error instanceof Error ? error.message : String(error)}); a config needs none, at most ${MAX_YAML_ALIASES} expansions are read`,
      ],
    };
  }
}

/** Parses and validates a YAML text; returns the config or every problem found. */
export function parseConfigText(text: string): { config?: Config; problems: string[] } {
  const read = readYaml(text);
  if (!read.ok) return { problems: read.problems };
  const { doc, lineCounter } = read;
  const result = configSchema.safeParse(read.value);
  if (result.success) return { config: result.data, problems: [] };

  const lineOf = (path: readonly PropertyKey[]): string => {
    // Point at the key itself when we can (an unknown key, a bad value), else at its parent.
    const parent: unknown =
      path.length === 0 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true);
    const last = path[path.length - 1];
    let node: unknown = doc.getIn(path as unknown[], true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      if (pair !== undefined) node = pair.key;
    }
    if (!isNode(node) || node.range === undefined || node.range === null) return "";
    return ` (line ${lineCounter.linePos(node.range[0]).line})`;
  };
  return { problems: result.error.issues.flatMap((issue) => describeIssue(issue, lineOf)) };
}

function describeIssue(issue: z.core.$ZodIssue, lineOf: (path: readonly PropertyKey[]) => string): string[] {
  const name = (path: readonly PropertyKey[]): string =>
    path.length === 0 ? "(top level)" : path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map(
      (key) => `${name([...issue.path, key])}${lineOf([...issue.path, key])}: unknown key`,
    );
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return [`${name(issue.path)}: required`];
  }
  return [`${name(issue.path)}${lineOf(issue.path)}: ${issue.message}`];
}

/** Resolves paths in the config that are relative to the config file's directory. */
function resolvePaths(config: Config, baseDir: string): Config {
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  const tls = config.mqtt.tls;
  return {
    ...config,
    storage: { ...config.storage, directory: abs(config.storage.directory) },
    control: {
      ...config.control,
      socketPath: abs(config.control.socketPath),
      ...(config.control.refundSocketPath === undefined
        ? {}
        : { refundSocketPath: abs(config.control.refundSocketPath) }),
    },
    secrets: { directory: abs(config.secrets.directory) },
    mqtt: {
      ...config.mqtt,
      tls: {
        ...tls,
        ...(tls.caFile === undefined ? {} : { caFile: abs(tls.caFile) }),
        ...(tls.certFile === undefined ? {} : { certFile: abs(tls.certFile) }),
        ...(tls.keyFile === undefined ? {} : { keyFile: abs(tls.keyFile) }),
      },
    },
  };
}

/**
 * The config file without its secrets, paths resolved against its directory: for commands that
 * need no credentials (the file is readable by the service's group, the secrets only by root).
 * Throws a `ConfigError` listing every problem.
 */
export function readConfigFile(file: string): { readonly file: string; readonly config: Config } {
  const parsed = parseConfigText(readConfigText(file));
  if (parsed.config === undefined) throw new ConfigError("CONFIG_INVALID", file, parsed.problems);
  return { file: resolve(file), config: resolvePaths(parsed.config, dirname(resolve(file))) };
}

/**
 * Reads the config file and its secrets. Throws a `ConfigError` listing every problem (YAML,
 * schema and missing secrets together), so a technician fixes them in one pass.
 */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const { config } = readConfigFile(file);
  const secretResult = readSecrets(secretsDirectory(config.secrets.directory, env), {
    mqttPassword: config.mqtt.username !== undefined,
    loyaltyHttpToken: false,
  });
  if (secretResult.secrets === undefined)
    throw new ConfigError("CONFIG_INVALID", file, secretResult.problems);
  return { file: resolve(file), config, secrets: secretResult.secrets };
}

/** Where money-moving requests are served: `control.refundSocketPath`, else refund.sock beside the control socket. */
export function refundSocketPath(config: Config): string {
  return config.control.refundSocketPath ?? join(dirname(config.control.socketPath), "refund.sock");
}

/**
 * The MQTT client id: fixed per till so the broker keeps the persistent session across restarts.
 * With a broker login it is the user name, because the documented broker binds the two
 * (mosquitto `use_username_as_clientid`, docs/mqtt-contract.md "Broker set-up"): a till's session
 * is then reachable with that till's password only. Without one (a client certificate) it is
 * `pos-agent-<msn>-<till>`.
 */
/** What names a till on the broker: its MQTT settings, its MSN and till id. */
export interface MqttIdentityConfig {
  readonly mqtt: Config["mqtt"];
  readonly vipps: Pick<Config["vipps"], "msn">;
  readonly till: Pick<Config["till"], "id">;
}

export function mqttClientId(config: MqttIdentityConfig): string {
  return config.mqtt.clientId ?? config.mqtt.username ?? `pos-agent-${config.vipps.msn}-${config.till.id}`;
}

/** The broker URLs the till tries, in order: `mqtt.urls`, or the one `mqtt.url`. */
export function mqttBrokerUrls(config: Pick<Config, "mqtt">): readonly string[] {
  return config.mqtt.urls ?? (config.mqtt.url === undefined ? [] : [config.mqtt.url]);
}

/** The Vipps API base URL for the configured environment. */
export function vippsBaseUrl(config: Config): string {
  if (config.vipps.baseUrl !== undefined) return config.vipps.baseUrl.replace(/\/+$/, "");
  return config.vipps.environment === "production" ? "https://api.vipps.no" : "https://apitest.vipps.no";
}
