import { isMsn } from "../lib/mqtt-contract/index.js";

/**
 * The bridge's webhook secrets, each bound to the sales unit (MSN) whose registration it came
 * from: `<msn>:<secret>`. A webhook is published only if a secret bound to the MSN it names
 * signed it, so one sales unit's secret — which all its tills hold, to verify again — cannot
 * sign webhooks for another sales unit behind the same bridge. (Vipps' secrets are base64: no
 * colon, so the first colon always ends the MSN.)
 *
 * A bare `<secret>`, the format before secrets were bound, still verifies the webhooks of any
 * MSN, so an existing deployment keeps working after an upgrade; the bridge warns about each at
 * start (docs/mqtt-contract.md, "Running the bridge", tells how to migrate).
 */
export interface WebhookSecret {
  readonly secret: string;
  /** The MSN the secret is bound to; undefined for an unbound (legacy) secret. */
  readonly msn?: string;
}

/** Parses `<msn>:<secret>` and bare `<secret>` entries; problems name the entry, never the secret. */
export function parseWebhookSecrets(
  entries: readonly string[],
  source = "VIPPS_WEBHOOK_SECRETS",
): { secrets: WebhookSecret[]; problems: string[] } {
  const secrets: WebhookSecret[] = [];
  const problems: string[] = [];
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(":");
    if (colon < 0) {
      secrets.push({ secret: entry });
      return;
    }
    const msn = entry.slice(0, colon).trim();
    const secret = entry.slice(colon + 1).trim();
    if (!isMsn(msn) || secret === "")
      problems.push(
        `${source}: entry ${index + 1} is not <msn>:<secret> (an MSN of 4–10 digits, then the secret)`,
      );
    else secrets.push({ secret, msn });
  });
  return { secrets, problems };
}

/** May a webhook naming `msn` (undefined: none usable) be published, given the secrets that signed it? */
export function signedForMsn(signers: readonly WebhookSecret[], msn: string | undefined): boolean {
  if (msn === undefined) return signers.length > 0;
  return signers.some((s) => s.msn === undefined || s.msn === msn);
}
