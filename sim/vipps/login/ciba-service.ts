import { randomBytes } from "node:crypto";
import type { Clock, TimerHandle } from "../../../lib/clock.js";
import type { CustomerDirectory } from "../customers/customer-directory.js";
import type { SalesUnit } from "../options.js";
import type { WebhookDispatcher } from "../webhooks/dispatcher.js";
import { LOGIN_PING_EVENT } from "../webhooks/events.js";

/**
 * Merchant-initiated login (CIBA poll mode, docs/vipps-api.md §8): a request waits for the simulated
 * user's decision; the merchant polls the token endpoint no faster than `interval` (else
 * `slow_down`, and the interval grows by 5 s as the CIBA standard says), until it gets tokens,
 * `access_denied` or `expired_token`. Tokens are handed out once.
 */
type LoginDecision = "pending" | "approved" | "declined";

export interface LoginRequest {
  readonly authReqId: string;
  readonly msn: string;
  readonly clientId: string;
  readonly msisdn: string;
  /** Granted scopes: the requested ones in the sales unit's plan (others are silently dropped). */
  readonly scopes: readonly string[];
  readonly bindingMessage?: string;
  readonly nonce?: string;
  readonly decision: LoginDecision;
  /** True once the tokens were handed out. */
  readonly collected: boolean;
  /** Clock ms. */
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly intervalSeconds: number;
  readonly lastPollAt?: number;
  readonly decidedAt?: number;
}

export interface LoginSession {
  readonly accessToken: string;
  readonly msn: string;
  readonly msisdn: string;
  readonly scopes: readonly string[];
  readonly sid: string;
  readonly expiresAt: number;
  readonly consentedAt: number;
}

export type PollResult =
  | {
      readonly kind:
        "authorization_pending" | "slow_down" | "access_denied" | "expired_token" | "invalid_grant";
    }
  | { readonly kind: "tokens"; readonly request: LoginRequest; readonly session: LoginSession };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class CibaService {
  private readonly requests = new Map<string, Mutable<LoginRequest>>();
  private readonly sessions = new Map<string, LoginSession>();
  private readonly timers = new Map<string, TimerHandle>();

  constructor(
    private readonly deps: {
      readonly clock: Clock;
      readonly customers: CustomerDirectory;
      readonly dispatcher: WebhookDispatcher;
      readonly intervalSeconds: number;
      readonly accessTokenTtlSeconds: number;
      readonly maxConcurrentPerUser: number;
    },
  ) {}

  /** Pending, undecided, unexpired requests towards this user (for the concurrency limit → 429). */
  pendingFor(msisdn: string, now: number): number {
    return [...this.requests.values()].filter(
      (r) => r.msisdn === msisdn && r.decision === "pending" && now < r.expiresAt,
    ).length;
  }

  get maxConcurrentPerUser(): number {
    return this.deps.maxConcurrentPerUser;
  }

  start(
    unit: SalesUnit,
    msisdn: string,
    scopes: readonly string[],
    expiresInSeconds: number,
    extra: { bindingMessage?: string; nonce?: string },
  ): LoginRequest {
    const now = this.deps.clock.now();
    const request: Mutable<LoginRequest> = {
      authReqId: randomBytes(20).toString("base64url"),
      msn: unit.msn,
      clientId: unit.clientId,
      msisdn,
      scopes,
      ...extra,
      decision: "pending",
      collected: false,
      createdAt: now,
      expiresAt: now + expiresInSeconds * 1000,
      intervalSeconds: this.deps.intervalSeconds,
    };
    this.requests.set(request.authReqId, request);
    const behaviour = this.deps.customers.loginBehaviour(msisdn);
    if (behaviour.action !== "ignore") {
      const decision = behaviour.action === "approve" ? "approved" : "declined";
      this.timers.set(
        request.authReqId,
        this.deps.clock.setTimeout(() => this.decide(request.authReqId, decision), behaviour.afterMs ?? 0),
      );
    }
    return { ...request };
  }

  /** The user's answer in the app; false when the request is unknown, decided or expired. */
  decide(authReqId: string, decision: "approved" | "declined"): boolean {
    const r = this.requests.get(authReqId);
    const now = this.deps.clock.now();
    if (r?.decision !== "pending" || now >= r.expiresAt) return false;
    r.decision = decision;
    r.decidedAt = now;
    this.deps.clock.clearTimeout(this.timers.get(authReqId));
    this.timers.delete(authReqId);
    this.deps.dispatcher.publish(r.msn, LOGIN_PING_EVENT, { auth_req_id: authReqId });
    return true;
  }

  /** The user looks away: no automatic decision; the request runs into its expiry. */
  ignore(authReqId: string): boolean {
    if (!this.requests.has(authReqId)) return false;
    this.deps.clock.clearTimeout(this.timers.get(authReqId));
    this.timers.delete(authReqId);
    return true;
  }

  find(authReqId: string): LoginRequest | undefined {
    const r = this.requests.get(authReqId);
    return r === undefined ? undefined : { ...r };
  }

  list(): LoginRequest[] {
    return [...this.requests.values()].map((r) => ({ ...r }));
  }

  poll(clientId: string, authReqId: string): PollResult {
    const now = this.deps.clock.now();
    const r = this.requests.get(authReqId);
    if (r?.clientId !== clientId || r.collected) return { kind: "invalid_grant" };
    if (now >= r.expiresAt) return { kind: "expired_token" };
    const since = now - (r.lastPollAt ?? r.createdAt);
    r.lastPollAt = now;
    if (since < r.intervalSeconds * 1000) {
      r.intervalSeconds += 5;
      return { kind: "slow_down" };
    }
    if (r.decision === "pending") return { kind: "authorization_pending" };
    if (r.decision === "declined") return { kind: "access_denied" };
    r.collected = true;
    const session: LoginSession = {
      accessToken: `ciba.${randomBytes(32).toString("base64url")}`,
      msn: r.msn,
      msisdn: r.msisdn,
      scopes: r.scopes,
      sid: randomBytes(12).toString("hex"),
      expiresAt: now + this.deps.accessTokenTtlSeconds * 1000,
      consentedAt: r.decidedAt ?? now,
    };
    this.sessions.set(session.accessToken, session);
    return { kind: "tokens", request: { ...r }, session };
  }

  session(accessToken: string): LoginSession | "expired" | undefined {
    const s = this.sessions.get(accessToken);
    if (s === undefined) return undefined;
    return this.deps.clock.now() >= s.expiresAt ? "expired" : s;
  }

  close(): void {
    for (const handle of this.timers.values()) this.deps.clock.clearTimeout(handle);
    this.timers.clear();
  }
}
