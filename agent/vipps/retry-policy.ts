import { backoffDelay, type BackoffPolicy } from "../../lib/backoff.js";

/**
 * When a failed attempt is tried again (docs/vipps-api.md §1.3, §1.4). Pure.
 *
 * - Retryable statuses: 5xx (server trouble), 423 (another operation holds the payment; "retry
 *   shortly, same key") and 429 (rate limited; honour Retry-After). Other 4xx are final: they
 *   stay bound to their Idempotency-Key.
 * - Timeouts and dropped connections leave the outcome unknown. That is safe to retry only for
 *   idempotent calls: GET/PUT/DELETE, POSTs carrying an Idempotency-Key, read-only POSTs.
 * - A refused connection (the request never left) is always safe to retry.
 * - Calls that create something without an idempotency key (webhook registration, CIBA start)
 *   therefore retry only what proves nothing happened: refused connections, 423 and 429.
 * - Login calls do not retry 429 themselves: for CIBA it means a concurrent login for that user,
 *   and the caller's own poll loop decides when to ask again (`retryAfterMs` on the error).
 */
export interface RetryMode {
  /** Retry outcomes that may have had an effect (timeouts, resets, 5xx). */
  readonly ambiguous: boolean;
  /** Retry 429 after Retry-After / backoff. */
  readonly rateLimited: boolean;
}

export const IDEMPOTENT: RetryMode = { ambiguous: true, rateLimited: true };
export const NOT_IDEMPOTENT: RetryMode = { ambiguous: false, rateLimited: true };
export const LOGIN_START: RetryMode = { ambiguous: false, rateLimited: false };
export const LOGIN_POLL: RetryMode = { ambiguous: true, rateLimited: false };

export type AttemptFailure =
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "timeout" }
  /** `refused`: the connection was never established, so the request never left. */
  | { readonly kind: "network"; readonly refused: boolean };

export function isRetryable(mode: RetryMode, failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case "timeout":
      return mode.ambiguous;
    case "network":
      return failure.refused || mode.ambiguous;
    case "status":
      if (failure.status === 429) return mode.rateLimited;
      if (failure.status === 423) return true;
      return failure.status >= 500 && failure.status <= 599 && mode.ambiguous;
  }
}

/** Error codes of undici/Node meaning "no connection was made". */
const REFUSED_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Classifies a failed exchange: the socket error code is on the error or along its `cause` chain. */
export function isConnectionRefused(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && REFUSED_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export interface DelayDecision {
  /** Wait this long, then try again. */
  readonly waitMs?: number;
  /** Do not wait: Vipps asked for longer than `maxRetryAfterMs`. */
  readonly giveUp?: true;
}

/**
 * How long to wait before attempt `attempt + 1` (attempt is 0-based): Vipps' Retry-After when
 * given (never less), else capped exponential backoff with full jitter.
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: BackoffPolicy,
  maxRetryAfterMs: number,
  random: () => number,
): DelayDecision {
  if (retryAfterMs !== undefined)
    return retryAfterMs > maxRetryAfterMs ? { giveUp: true } : { waitMs: retryAfterMs };
  return { waitMs: backoffDelay(policy, attempt, random) };
}
