import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/log.js";
import type { HttpEngine } from "./http-engine.js";
import { parseAnswer } from "./parse-answer.js";
import { accessTokenSchema } from "./response-schemas.js";
import { IDEMPOTENT } from "./retry-policy.js";

/**
 * The access token of `POST /accesstoken/get` (docs/vipps-api.md §2), cached in memory.
 *
 * - Expiry is computed from the LOCAL monotonic receipt time + `expires_in`, never from
 *   `expires_on`: a Pi has no RTC and its wall clock may be wrong or step at NTP sync.
 * - It is refreshed `refreshMarginMs` before that (at most half its lifetime early, so a
 *   short-lived token is not refreshed on every call).
 * - Concurrent callers share one in-flight refresh.
 * - If a refresh fails while the old token has not actually expired yet, the old one is used
 *   (a blip at the token endpoint must not stop the till); the refresh is tried again next call.
 * - `invalidate(token)` after a 401 drops that token only, so callers that saw the same 401
 *   trigger one refresh between them, not one each.
 */
export interface AccessTokenOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly subscriptionKey: string;
  readonly refreshMarginMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

interface CachedToken {
  readonly token: string;
  /** Monotonic ms. */
  readonly refreshAt: number;
  readonly expiresAt: number;
}

export class AccessTokenCache {
  private cached: CachedToken | undefined;
  private inflight: Promise<string> | undefined;
  /** The last few tokens, so a message echoing a replaced token is still redacted. */
  private readonly recent: string[] = [];

  constructor(
    private readonly engine: HttpEngine,
    private readonly options: AccessTokenOptions,
  ) {}

  /** Tokens to redact from messages: the current one and the few before it. */
  recentTokens(): readonly string[] {
    return this.recent;
  }

  async get(): Promise<string> {
    const cached = this.cached;
    if (cached !== undefined && this.options.clock.monotonic() < cached.refreshAt) return cached.token;
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async refresh(): Promise<string> {
    const { clientId, clientSecret, subscriptionKey, clock, logger } = this.options;
    const spec = {
      operation: "accesstoken.get",
      endpoint: "POST /accesstoken/get",
      method: "POST",
      path: "/accesstoken/get",
      // Credentials travel in headers; the body is empty (Content-Length: 0).
      headers: {
        client_id: clientId,
        client_secret: clientSecret,
        "Ocp-Apim-Subscription-Key": subscriptionKey,
      },
      retry: IDEMPOTENT,
    } as const;
    try {
      const result = await this.engine.send(spec);
      const receivedAt = clock.monotonic();
      const answer = parseAnswer(accessTokenSchema, result, spec);
      const lifetimeMs = answer.expires_in * 1000;
      const margin = Math.min(this.options.refreshMarginMs, lifetimeMs / 2);
      this.cached = {
        token: answer.access_token,
        refreshAt: receivedAt + lifetimeMs - margin,
        expiresAt: receivedAt + lifetimeMs,
      };
      this.recent.unshift(answer.access_token);
      this.recent.length = Math.min(this.recent.length, 3);
      logger.debug(
        { op: spec.operation, expiresInSeconds: answer.expires_in },
        "vipps access token refreshed",
      );
      return answer.access_token;
    } catch (error) {
      const old = this.cached;
      if (old !== undefined && clock.monotonic() < old.expiresAt) {
        logger.warn(
          { op: spec.operation },
          "vipps access token refresh failed; using the current token until it expires",
        );
        return old.token;
      }
      throw error;
    }
  }
}
