import { pino, type Logger, type LoggerOptions, type DestinationStream } from "pino";

export type { Logger } from "pino";

/**
 * Keys whose values must never reach a log line, wherever they appear (top level or one or
 * two levels down). Secrets, Vipps tokens, customer tokens and phone numbers: the journal and
 * the loyalty store are the only places personal data lives.
 */
export const SENSITIVE_KEYS = [
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

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SENSITIVE_KEYS) {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const dot = k.startsWith("[") ? "" : ".";
    paths.push(k, `*${dot}${k}`, `*.*${dot}${k}`);
  }
  return paths;
}

export interface LogOptions {
  level?: string;
  /** Where NDJSON goes; stdout (→ journald under systemd) by default. */
  destination?: DestinationStream;
  /** Fixed fields on every line, e.g. `{ till: "kasse1" }`. */
  base?: Record<string, unknown>;
}

/** The root logger: NDJSON, ISO timestamps, redaction of every sensitive key. */
export function createLogger(options: LogOptions = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? "info",
    base: options.base ?? {},
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths(), censor: "[redacted]" },
    formatters: { level: (label) => ({ level: label }) },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** A logger that drops everything; for tests and CLI commands that print their own output. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** Shows only the last digits of a phone number, for the rare operator-facing message. */
export function maskPhone(msisdn: string): string {
  return msisdn.length <= 2 ? "**" : `${"*".repeat(msisdn.length - 2)}${msisdn.slice(-2)}`;
}
