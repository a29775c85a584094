import { z } from "zod";
import type { Clock } from "../../lib/clock.js";
import type { EnrollRequest, MemberBackend } from "./backend.js";
import { DISPLAY_NAME_MAX } from "./consented-claims.js";
import { loyaltyError, type LoyaltyError } from "./errors.js";
import { TIER_MAX } from "./member-id.js";
import type { LoyaltyMember } from "./port.js";

/**
 * The merchant's own membership service (loyalty.backend = http), as docs/loyalty.md
 * documents it:
 *   POST {httpUrl}/lookup {"msisdn"}                              → 200 {"member":{…}} | 404
 *   POST {httpUrl}/enroll {"msisdn","sub","claims","consentedAt"} → 200/201 {"member":{…}}
 * with `Authorization: Bearer <loyalty-http-token>` when that secret exists. Each request has
 * `timeoutMs` (on the injected clock) for the whole exchange, body included. Redirects are not
 * followed (the bearer token and the phone number go nowhere else). Error messages name the
 * status or the failure, never the request or the answer's body.
 */
export interface HttpBackendOptions {
  /** loyalty.httpUrl; `/lookup` and `/enroll` are appended. */
  readonly url: string;
  readonly timeoutMs: number;
  readonly token?: string;
  readonly clock: Clock;
  readonly fetch: typeof fetch;
}

const memberSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[^\p{Cc}]+$/u, "control characters"),
  tier: z
    .string()
    .min(1)
    .max(TIER_MAX)
    .regex(/^[^\p{Cc}]+$/u, "control characters")
    .nullish(),
  displayName: z.string().nullish(),
});
const answerSchema = z.object({ member: memberSchema });

const where = "membership service";

function memberOf(body: unknown): LoyaltyMember {
  const parsed = answerSchema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first === undefined ? "" : first.path.map(String).join(".");
    throw loyaltyError(
      "LOYALTY_BACKEND_BAD_RESPONSE",
      `${where}: invalid answer (${path === "" ? "body" : path}: ${first?.message ?? "unexpected shape"})`,
    );
  }
  const { id, tier, displayName } = parsed.data.member;
  // First name only, for the customer display: clean and short whatever the service sends.
  const name =
    displayName === null || displayName === undefined
      ? ""
      : [...displayName.replace(/\p{Cc}/gu, "").trim()].slice(0, DISPLAY_NAME_MAX).join("");
  return {
    id,
    ...(tier === null || tier === undefined ? {} : { tier }),
    ...(name === "" ? {} : { displayName: name }),
  };
}

function socketCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function httpBackend(options: HttpBackendOptions): MemberBackend {
  const base = options.url.replace(/\/+$/, "");

  async function post(
    path: "/lookup" | "/enroll",
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; json: unknown }> {
    if (signal?.aborted === true) throw loyaltyError("LOYALTY_ABORTED", `${where}: aborted`);
    const controller = new AbortController();
    let timedOut = false;
    const timer = options.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const failure = (error: unknown): LoyaltyError => {
      if (timedOut)
        return loyaltyError("LOYALTY_BACKEND_TIMEOUT", `${where}: no answer within ${options.timeoutMs} ms`);
      if (signal?.aborted === true) return loyaltyError("LOYALTY_ABORTED", `${where}: aborted`);
      const code = socketCode(error);
      return loyaltyError(
        "LOYALTY_BACKEND_FAILED",
        `${where}: connection failed${code === undefined ? "" : ` (${code})`}`,
        { details: code === undefined ? {} : { socketError: code } },
      );
    };
    try {
      let response: Response;
      let text: string;
      try {
        response = await options.fetch(`${base}${path}`, {
          method: "POST",
          redirect: "manual",
          signal: controller.signal,
          headers: {
            "content-type": "application/json",
            accept: "application/json",
            ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
          },
          body: JSON.stringify(body),
        });
        text = await response.text();
      } catch (error) {
        throw failure(error);
      }
      let json: unknown;
      try {
        json = text.trim() === "" ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, json };
    } finally {
      options.clock.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  const unexpected = (status: number): LoyaltyError =>
    loyaltyError(
      "LOYALTY_BACKEND_FAILED",
      `${where}: HTTP ${status}${status >= 300 && status < 400 ? " (redirects are not followed)" : ""}`,
      { details: { status } },
    );

  return {
    async lookup(msisdn, signal) {
      const answer = await post("/lookup", { msisdn }, signal);
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw unexpected(answer.status);
      return memberOf(answer.json);
    },
    async enroll(request: EnrollRequest, signal) {
      const body = {
        msisdn: request.msisdn,
        sub: request.sub,
        claims: request.claims,
        consentedAt: new Date(request.consentedAt).toISOString(),
      };
      const answer = await post("/enroll", body, signal);
      if (answer.status !== 200 && answer.status !== 201) throw unexpected(answer.status);
      return memberOf(answer.json);
    },
  };
}
