import { sleep, type Clock } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import { isVippsError, type Userinfo, type VippsClient, type VippsErrorCode } from "../vipps/index.js";
import { untilAborted } from "./abortable.js";
import { bindingMessage } from "./binding-message.js";
import type { LoyaltyScope } from "./consented-claims.js";

/**
 * Merchant-initiated Vipps Login (CIBA, poll mode; docs/vipps-api.md §8) for one phone number:
 * start with `login_hint=urn:msisdn:…`, a binding message and `requested_expiry`; hand the
 * binding message to the display; poll the token endpoint never faster than `interval`, 5 s
 * slower after each `slow_down` (CIBA Core §7.3); on approval fetch userinfo at once (the
 * Login token is short-lived). The signal ends it at any point. Nothing personal is logged:
 * not the number, not the auth_req_id, not a claim.
 */
type LoginClient = Pick<VippsClient["login"], "startCiba" | "pollToken" | "userinfo">;

export interface CibaLoginOptions {
  readonly login: LoginClient;
  readonly clock: Clock;
  readonly scopes: readonly LoyaltyScope[];
  /** CIBA `requested_expiry`, seconds (loyalty.loginExpirySeconds, 60–600). */
  readonly requestedExpirySeconds: number;
  readonly logger: Logger;
}

export type LoginOutcome =
  | { readonly kind: "approved"; readonly userinfo: Userinfo; readonly consentedAt: number }
  | { readonly kind: "declined" }
  | { readonly kind: "expired" }
  | { readonly kind: "old_app" }
  | { readonly kind: "invalid_user" }
  | { readonly kind: "aborted" }
  | { readonly kind: "unavailable"; readonly reason: string };

/** CIBA Core §7.3: after `slow_down` the interval grows by at least 5 seconds. */
const SLOW_DOWN_STEP_MS = 5_000;
/** Consecutive failed polls (network, timeout, 5xx, 429 — after the client's own retries) that end the login. */
const MAX_POLL_FAILURES = 3;
const TRANSIENT: readonly VippsErrorCode[] = [
  "VIPPS_TIMEOUT",
  "VIPPS_NETWORK",
  "VIPPS_SERVER_ERROR",
  "VIPPS_RATE_LIMITED",
  "VIPPS_LOCKED",
];

/** A log-safe reason: operation, code and status only (never the message's details). */
export function reasonOf(step: string, error: unknown): string {
  if (isVippsError(error))
    return `${step}: ${error.code}${error.status === undefined ? "" : ` (HTTP ${error.status})`}`;
  return `${step}: ${error instanceof Error && "code" in error ? String((error as { code: unknown }).code) : "unexpected error"}`;
}

export async function runCibaLogin(
  msisdn: string,
  onBindingMessage: (bindingMessage: string) => void,
  signal: AbortSignal,
  o: CibaLoginOptions,
): Promise<LoginOutcome> {
  const log = o.logger;
  if (signal.aborted) return { kind: "aborted" };
  const binding = bindingMessage();
  let started;
  try {
    started = await untilAborted(
      o.login.startCiba({
        scope: o.scopes,
        loginHint: { msisdn },
        bindingMessage: binding,
        requestedExpiry: o.requestedExpirySeconds,
      }),
      signal,
    );
  } catch (error) {
    if (signal.aborted) return { kind: "aborted" };
    if (isVippsError(error, "VIPPS_LOGIN_OLD_APP")) return { kind: "old_app" };
    if (isVippsError(error, "VIPPS_LOGIN_INVALID_USER")) return { kind: "invalid_user" };
    if (isVippsError(error, "VIPPS_RATE_LIMITED"))
      return {
        kind: "unavailable",
        reason: "login start: another login towards this customer is in progress (HTTP 429)",
      };
    return { kind: "unavailable", reason: reasonOf("login start", error) };
  }
  log.info(
    { expiresInSeconds: started.expiresInSeconds, intervalSeconds: started.intervalSeconds },
    "Vipps Login request sent to the customer's app",
  );
  try {
    onBindingMessage(binding);
  } catch (error) {
    log.warn({ error: errorMessage(error) }, "the binding-message callback failed; the login goes on");
  }

  let intervalMs = Math.max(1, started.intervalSeconds) * 1000;
  // A last poll is allowed one interval past the expiry: Vipps' `expired_token` is the authoritative answer.
  const giveUpAt = o.clock.monotonic() + started.expiresInSeconds * 1000 + intervalMs;
  let failures = 0;
  for (;;) {
    try {
      await sleep(o.clock, intervalMs, signal);
    } catch {
      return { kind: "aborted" };
    }
    if (o.clock.monotonic() > giveUpAt) return { kind: "expired" };
    let result;
    try {
      result = await untilAborted(o.login.pollToken(started.authReqId), signal);
    } catch (error) {
      if (signal.aborted) return { kind: "aborted" };
      if (!isVippsError(error, TRANSIENT) || ++failures >= MAX_POLL_FAILURES)
        return { kind: "unavailable", reason: reasonOf("login poll", error) };
      if (isVippsError(error, "VIPPS_RATE_LIMITED"))
        intervalMs = Math.max(intervalMs + SLOW_DOWN_STEP_MS, error.retryAfterMs ?? 0);
      log.warn({ failures, code: error.code }, "Vipps Login poll failed; polling on");
      continue;
    }
    failures = 0;
    switch (result.kind) {
      case "authorization_pending":
        continue;
      case "slow_down":
        intervalMs += SLOW_DOWN_STEP_MS;
        log.info({ intervalSeconds: intervalMs / 1000 }, "Vipps Login asked us to poll slower");
        continue;
      case "access_denied":
        return { kind: "declined" };
      case "expired_token":
        return { kind: "expired" };
      case "success": {
        const consentedAt = o.clock.now();
        try {
          const userinfo = await untilAborted(o.login.userinfo(result.tokens.accessToken), signal);
          return { kind: "approved", userinfo, consentedAt };
        } catch (error) {
          if (signal.aborted) return { kind: "aborted" };
          return { kind: "unavailable", reason: reasonOf("userinfo", error) };
        }
      }
    }
  }
}
