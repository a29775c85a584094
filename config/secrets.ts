import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Secrets live in files, one per secret, never in the config file: the technician can show
 * the config to anyone, and systemd's `LoadCredential=` hands each credential to the service as
 * a file in `$CREDENTIALS_DIRECTORY`. Without systemd they are read from the config's
 * `secrets.directory`.
 */
export const SECRET_FILES = {
  clientSecret: "vipps-client-secret",
  subscriptionKey: "vipps-subscription-key",
  /** One or more lines: every secret of a webhook registration the bridge may forward (rotation). */
  webhookSecrets: "vipps-webhook-secret",
  mqttPassword: "mqtt-password",
  loyaltyHttpToken: "loyalty-http-token",
} as const;

export interface Secrets {
  readonly clientSecret: string;
  readonly subscriptionKey: string;
  readonly webhookSecrets: readonly string[];
  readonly mqttPassword?: string;
  readonly loyaltyHttpToken?: string;
}

export interface SecretNeeds {
  mqttPassword: boolean;
  loyaltyHttpToken: boolean;
}

/** Where the secrets are read from: `$CREDENTIALS_DIRECTORY` when systemd set it. */
export function secretsDirectory(configured: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromSystemd = env.CREDENTIALS_DIRECTORY;
  return fromSystemd !== undefined && fromSystemd !== "" ? fromSystemd : configured;
}

/**
 * Reads every secret, collecting one problem line per missing or empty file (all at once,
 * like the config's own errors). Problem lines name the file, never its content.
 */
export function readSecrets(
  directory: string,
  needs: SecretNeeds,
): { secrets?: Secrets; problems: string[] } {
  const problems: string[] = [];
  const read = (name: string, required: boolean): string | undefined => {
    const path = join(directory, name);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (required)
        problems.push(`secrets: ${path}: ${code === "ENOENT" ? "missing" : `unreadable (${code})`}`);
      return undefined;
    }
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      // Read leniently it would become a different secret (U+FFFD), and fail later as a mystery.
      problems.push(`secrets: ${path}: not UTF-8 text`);
      return undefined;
    }
    const value = text.replace(/\r?\n$/, "");
    if (value.trim() === "") {
      if (required) problems.push(`secrets: ${path}: empty`);
      return undefined;
    }
    return value;
  };

  const clientSecret = read(SECRET_FILES.clientSecret, true);
  const subscriptionKey = read(SECRET_FILES.subscriptionKey, true);
  const webhookText = read(SECRET_FILES.webhookSecrets, true);
  const mqttPassword = read(SECRET_FILES.mqttPassword, needs.mqttPassword);
  const loyaltyHttpToken = read(SECRET_FILES.loyaltyHttpToken, false);
  if (
    problems.length > 0 ||
    clientSecret === undefined ||
    subscriptionKey === undefined ||
    webhookText === undefined
  ) {
    return { problems };
  }
  const webhookSecrets = webhookText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  return {
    problems,
    secrets: {
      clientSecret,
      subscriptionKey,
      webhookSecrets,
      ...(mqttPassword === undefined ? {} : { mqttPassword }),
      ...(loyaltyHttpToken === undefined ? {} : { loyaltyHttpToken }),
    },
  };
}
