/**
 * Scrubs text that came from Vipps (titles, details) or from us before it goes into an error
 * message or a log line: every known secret value (client secret, subscription key, tokens,
 * customer tokens, login hints) is replaced, and so is every run of 8 or more digits — an
 * MSISDN is 10–15 digits, and no Vipps error code, amount or status we want to show is that long.
 * Pure: the secrets are handed in.
 */
const PHONE_LIKE = /\d{8,}/g;
const MAX_LENGTH = 300;

export function redactText(
  value: string,
  secrets: readonly string[],
  options: { digits?: boolean } = {},
): string {
  let out = value;
  // Longest first, so a secret that contains another is replaced whole.
  const variants = secrets.flatMap((s) => [s, encodeURIComponent(s)]);
  for (const secret of variants.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join("[redacted]");
  }
  // Identifiers such as trace ids are hex and may hold long digit runs by chance: `digits: false`.
  if (options.digits !== false) out = out.replace(PHONE_LIKE, "[redacted]");
  out = out.replace(/\s+/g, " ").trim();
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}…` : out;
}
