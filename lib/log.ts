import { pino, type Logger, type LoggerOptions, type DestinationStream } from "pino";

export type { Logger } from "pino";

/**
 * Keys whose values must never reach a log line, wherever they appear. Secrets, Vipps tokens,
 * customer tokens and phone numbers: the journal and the loyalty store are the only places personal data lives.
 */
const SENSITIVE_KEYS = [
  "authorization",
  "Authorization",
  "client_secret",
  "clientSecret",
  "subscriptionKey",
  "Ocp-Apim-Subscription-Key",
  "ocp-apim-subscription-key",
  "secret",
  "secrets",
  "password",
  "access_token",
  "accessToken",
  "id_token",
  "token",
  "customerToken",
  "msisdn",
  "phoneNumber",
  "phone_number",
  "phone",
  "login_hint",
  "loginHint",
  "nin",
  "email",
  "address",
  "name",
  "given_name",
  "family_name",
  "birthdate",
] as const;

const SENSITIVE = new Set<string>(SENSITIVE_KEYS);
const CENSOR = "[redacted]";
/**
 * Deeper than any object the agent logs; a guard against cycles. An object below it is not
 * printed at all, as it could not be checked.
 */
const MAX_DEPTH = 8;
const TOO_DEEP = "[too deep]";

/**
 * `value` with the value of every SENSITIVE_KEYS key replaced by "[redacted]", at any depth;
 * what needs no change is returned as is, so a line without secrets costs a walk over its keys
 * and nothing else. (pino's own `redact`, with these keys as wildcard paths, re-parsed ~80 paths
 * for every top-level key of every line: ~0.9 MB of garbage per sale — issue 16.) An error's
 * own fields (an AgentError's details, its cause) are walked too; a copy stays an error of the
 * same class, so pino serialises it as before.
 */
export function redacted(value: unknown, depth = 0): unknown {
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return value;
  if (depth > MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let copy: unknown[] | undefined;
    items.forEach((item, i) => {
      const next = redacted(item, depth + 1);
      if (next !== item) (copy ??= [...items])[i] = next;
    });
    return copy ?? value;
  }
  const entries = Object.entries(value);
  // An error's cause is its own but not enumerable; pino's serializer prints it.
  if (value instanceof Error && value.cause !== undefined) entries.push(["cause", value.cause]);
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of entries) {
    const next = SENSITIVE.has(key) ? CENSOR : redacted(item, depth + 1);
    if (next === item) continue;
    copy ??= copyOf(value);
    copy[key] = next;
  }
  return copy ?? value;
}

/** A shallow copy to redact in: same prototype and own properties (an Error keeps its message and stack). */
function copyOf(value: object): Record<string, unknown> {
  return Object.create(
    Object.getPrototypeOf(value) as object | null,
    Object.getOwnPropertyDescriptors(value),
  ) as Record<string, unknown>;
}

export interface LogOptions {
  level?: string;
  /** Where NDJSON goes; stdout (→ journald under systemd) by default. */
  destination?: DestinationStream;
  /** Fixed fields on every line, e.g. `{ till: "kasse1" }`. */
  base?: Record<string, unknown>;
}

/** The root logger: NDJSON, ISO timestamps, redaction of every sensitive key (`redacted`). */
export function createLogger(options: LogOptions = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? "info",
    base: options.base ?? {},
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redacted(object) as Record<string, unknown>,
      bindings: (bindings) => redacted(bindings) as Record<string, unknown>,
    },
  };
  const root = options.destination ? pino(config, options.destination) : pino(config);
  // pino applies the bindings formatter to the root's bindings only; a child's go through this
  // (children are created from their parent's prototype chain, so they all inherit it).
  const prototype = Object.getPrototypeOf(root) as { child: Logger["child"] };
  root.child = function (this: Logger, bindings, childOptions) {
    return prototype.child.call(this, redacted(bindings) as typeof bindings, childOptions);
  } as Logger["child"];
  return root;
}

/** A logger that drops everything; for tests and CLI commands that print their own output. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** Shows only the last digits of a phone number, for the rare operator-facing message. */
export function maskPhone(msisdn: string): string {
  return msisdn.length <= 2 ? "**" : `${"*".repeat(msisdn.length - 2)}${msisdn.slice(-2)}`;
}
