import { randomUUID } from "node:crypto";
import type { Config } from "../../config/schema.js";
import type { Secrets } from "../../config/secrets.js";
import { systemClock, type Clock } from "../../lib/clock.js";
import { silentLogger, type Logger } from "../../lib/log.js";
import type { Db } from "../store/database.js";
import type { VippsClient } from "../vipps/index.js";
import { untilAborted } from "./abortable.js";
import type { MemberBackend } from "./backend.js";
import { builtinBackend } from "./builtin-backend.js";
import { CandidateBook } from "./candidates.js";
import { reasonOf, runCibaLogin } from "./ciba-login.js";
import { consentedClaims } from "./consented-claims.js";
import { loyaltyError } from "./errors.js";
import { httpBackend } from "./http-backend.js";
import { MemberStore } from "./member-store.js";
import { isMsisdn } from "./msisdn.js";
import type { EnrollResult, EnrollmentCandidate, IdentifyResult, LoyaltyPort } from "./port.js";

/**
 * The LoyaltyPort the checkout runner calls, over the Vipps client (customer-token exchange,
 * Login) and the configured backend. Contracts:
 * - `identify` and `enroll` never reject; a failure is `unavailable` with a log-safe reason.
 * - The MSISDN lives only in the candidate book (memory) and in the backend; it is never in a
 *   result, a log line or an error. Userinfo goes only to the backend, filtered by the scopes.
 * - Candidates are kept only when loyalty.mode is `enroll` (other handles lead nowhere).
 */
export interface LoyaltyOptions {
  /** Only the `loyalty` section is read. */
  readonly config: Pick<Config, "loyalty">;
  /** `loyaltyHttpToken` is the bearer token of the HTTP backend (optional). */
  readonly secrets: Pick<Secrets, "loyaltyHttpToken">;
  /** The agent's SQLite store; required by the built-in backend (migrated on creation). */
  readonly db?: Db;
  readonly vipps: Pick<VippsClient, "qr" | "login">;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** For the HTTP backend; the built-in fetch by default. */
  readonly fetch?: typeof fetch;
}

export interface LoyaltyService extends LoyaltyPort {
  /**
   * Deletes built-in members not seen for loyalty.retentionDays; returns how many. The runtime
   * calls it daily (and it is cheap to call at start-up). With the HTTP backend retention is the
   * merchant's service's business: 0.
   */
  prune(): number;
  /** Ends logins in progress (`aborted`) and forgets pending candidates; later calls answer `unavailable`. */
  close(): void;
}

export function createLoyalty(options: LoyaltyOptions): LoyaltyService {
  const settings = options.config.loyalty;
  const clock = options.clock ?? systemClock;
  const log = (options.logger ?? silentLogger()).child({ module: "loyalty" });
  const candidates = new CandidateBook(clock);
  let closed = false;
  /** Aborted by close(): every login in progress ends with it. */
  const shutdown = new AbortController();

  let store: MemberStore | undefined;
  let backend: MemberBackend;
  if (settings.backend === "http") {
    if (settings.httpUrl === undefined)
      throw loyaltyError("LOYALTY_BAD_OPTIONS", "loyalty.httpUrl is required when loyalty.backend is http");
    const token = options.secrets.loyaltyHttpToken;
    if (token === undefined)
      log.warn("no loyalty-http-token secret: requests to the membership service carry no bearer token");
    const url = new URL(settings.httpUrl);
    if (url.protocol === "http:" && !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
      log.warn(
        { host: url.hostname },
        "the membership service is plain http: phone numbers cross the network unencrypted; use https",
      );
    }
    backend = httpBackend({
      url: settings.httpUrl,
      timeoutMs: settings.httpTimeoutMs,
      clock,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      ...(token === undefined ? {} : { token }),
    });
  } else {
    if (options.db === undefined)
      throw loyaltyError("LOYALTY_BAD_OPTIONS", "the built-in loyalty backend needs the agent's database");
    store = new MemberStore(options.db);
    backend = builtinBackend(store, clock);
  }

  async function identifyCustomer(customerToken: string): Promise<IdentifyResult> {
    if (closed || settings.mode === "off")
      return { kind: "unavailable", reason: closed ? "loyalty is shut down" : "loyalty is off" };
    let msisdn: string;
    try {
      msisdn = (await options.vipps.qr.exchangeCustomerToken(customerToken)).msisdn;
    } catch (error) {
      const reason = reasonOf("customer token exchange", error);
      log.warn({ reason }, "could not learn the customer's phone number; no loyalty for this sale");
      return { kind: "unavailable", reason };
    }
    if (!isMsisdn(msisdn))
      return { kind: "unavailable", reason: "customer token exchange: the answer is not a phone number" };
    try {
      const member = await backend.lookup(msisdn);
      if (member !== undefined) {
        log.info({ memberId: member.id, tier: member.tier }, "loyalty member identified");
        return { kind: "member", member };
      }
    } catch (error) {
      const reason = reasonOf(`${settings.backend} backend lookup`, error);
      log.warn({ reason }, "loyalty backend unavailable; no loyalty for this sale");
      return { kind: "unavailable", reason };
    }
    log.info({ enroll: settings.mode === "enroll" }, "customer is not a loyalty member");
    // Only remember the number when an enrollment may follow.
    const handle = settings.mode === "enroll" ? candidates.add(msisdn) : `cand-${randomUUID()}`;
    return { kind: "not_member", candidate: { handle } };
  }

  async function enrollCandidate(
    candidate: EnrollmentCandidate,
    onBindingMessage: (bindingMessage: string) => void,
    signal: AbortSignal,
  ): Promise<EnrollResult> {
    const msisdn = closed ? undefined : candidates.take(candidate.handle);
    if (signal.aborted) return { kind: "aborted" };
    if (msisdn === undefined)
      return {
        kind: "unavailable",
        reason: "unknown or expired enrollment candidate (after a restart, or the scan is too old)",
      };
    // The caller's signal or our shutdown, whichever comes first.
    const either = new AbortController();
    const stop = (): void => either.abort();
    signal.addEventListener("abort", stop, { once: true });
    shutdown.signal.addEventListener("abort", stop, { once: true });
    try {
      return await enrollWithLogin(msisdn, onBindingMessage, either.signal);
    } finally {
      signal.removeEventListener("abort", stop);
      shutdown.signal.removeEventListener("abort", stop);
    }
  }

  async function enrollWithLogin(
    msisdn: string,
    onBindingMessage: (bindingMessage: string) => void,
    signal: AbortSignal,
  ): Promise<EnrollResult> {
    const outcome = await runCibaLogin(msisdn, onBindingMessage, signal, {
      login: options.vipps.login,
      clock,
      scopes: settings.scopes,
      requestedExpirySeconds: settings.loginExpirySeconds,
      logger: log,
    });
    if (outcome.kind !== "approved") {
      log.info(
        { result: outcome.kind, ...(outcome.kind === "unavailable" ? { reason: outcome.reason } : {}) },
        "enrollment ended without a new member",
      );
      return outcome;
    }
    const claims = consentedClaims(outcome.userinfo, settings.scopes);
    try {
      const member = await untilAborted(
        backend.enroll(
          { msisdn, sub: outcome.userinfo.sub, claims, consentedAt: outcome.consentedAt },
          signal,
        ),
        signal,
      );
      log.info(
        { memberId: member.id, claims: Object.keys(claims).length },
        "customer enrolled in the loyalty program",
      );
      return { kind: "enrolled", member };
    } catch (error) {
      if (signal.aborted) return { kind: "aborted" };
      const reason = reasonOf(`${settings.backend} backend enroll`, error);
      log.warn({ reason }, "the customer approved but enrolling failed");
      return { kind: "unavailable", reason };
    }
  }

  return {
    async identify(customerToken) {
      try {
        return await identifyCustomer(customerToken);
      } catch (error) {
        return { kind: "unavailable", reason: reasonOf("identify", error) };
      }
    },
    async enroll(candidate, onBindingMessage, signal) {
      try {
        return await enrollCandidate(candidate, onBindingMessage, signal);
      } catch (error) {
        return signal.aborted
          ? { kind: "aborted" }
          : { kind: "unavailable", reason: reasonOf("enroll", error) };
      }
    },
    prune() {
      if (store === undefined) return 0;
      const removed = store.prune(clock.now(), settings.retentionDays);
      if (removed > 0)
        log.info(
          { removed, retentionDays: settings.retentionDays },
          "loyalty members past retention deleted",
        );
      return removed;
    },
    close() {
      closed = true;
      shutdown.abort();
      candidates.clear();
    },
  };
}
