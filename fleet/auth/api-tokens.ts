import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Bearer tokens for scripts and dashboards (FLEET_API_TOKENS or FLEET_API_TOKENS_FILE: one per
 * line or comma-separated; `#` comments ignored). A token is at least 32 characters of
 * `A–Z a–z 0–9 - _ . ~ + /` (e.g. `openssl rand -hex 32`). Only their SHA-256 is kept in memory,
 * and a presented token is compared against each in constant time.
 */
const MIN_TOKEN_LENGTH = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9\-_.~+/=]{32,512}$/;

export function parseTokens(text: string, variable: string): { tokens: Buffer[]; problems: string[] } {
  const problems: string[] = [];
  const tokens: Buffer[] = [];
  text
    .split(/[,\r\n]+/)
    .map((t) => t.trim())
    .filter((t) => t !== "" && !t.startsWith("#"))
    .forEach((token, index) => {
      if (TOKEN_PATTERN.test(token)) tokens.push(digest(token));
      else
        problems.push(
          `${variable}: token ${index + 1} must be ${MIN_TOKEN_LENGTH}–512 characters of A–Z a–z 0–9 - _ . ~ + / = (e.g. openssl rand -hex 32)`,
        );
    });
  return { tokens, problems };
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** True when `presented` is one of `tokens` (SHA-256 digests); every digest is compared. */
export function tokenMatches(presented: string, tokens: readonly Buffer[]): boolean {
  const candidate = digest(presented);
  let found = false;
  for (const token of tokens) found = timingSafeEqual(candidate, token) || found;
  return found;
}
