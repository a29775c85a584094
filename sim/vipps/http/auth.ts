import type { AccessTokenStore } from "../access-token/token-store.js";
import type { SalesUnit } from "../options.js";
import { fail, ok, type Outcome } from "./responses.js";
import type { RequestContext } from "./router.js";

/**
 * The checks every merchant API call passes at Vipps before it reaches the API (docs/vipps-api.md §1.2):
 * the subscription key (API management gateway), then `Authorization: Bearer <token>` with the
 * literal word `Bearer`, then `Merchant-Serial-Number`. A token belongs to one sales unit; the
 * subscription key and MSN must be that sales unit's.
 */
export type MsnRule =
  /** ePayment and QR merchant callback: the spec requires the header. */
  | "required"
  /** Webhooks, QR exchange, userinfo: optional, but must match when sent. */
  | "optional";

const MSN_HEADER_PATTERN = /^\d{4,7}$/;

export function authenticate(
  ctx: RequestContext,
  tokens: AccessTokenStore,
  msnRule: MsnRule,
): Outcome<SalesUnit> {
  const key = ctx.header("ocp-apim-subscription-key");
  if (key === undefined || key === "") {
    return fail(
      ctx.error({
        status: 401,
        title: "Unauthorized",
        detail:
          "Access denied due to missing subscription key. Make sure to include the Ocp-Apim-Subscription-Key header.",
      }),
    );
  }
  const authorization = ctx.header("authorization");
  const bearer = authorization === undefined ? null : /^Bearer (\S+)$/.exec(authorization);
  if (bearer?.[1] === undefined) {
    return fail(
      ctx.error({
        status: 401,
        title: "Unauthorized",
        detail: "Authorization must be 'Bearer <access token>' (the word Bearer is required).",
      }),
    );
  }
  const check = tokens.check(bearer[1], ctx.now);
  if (check.kind !== "valid") {
    return fail(
      ctx.error({
        status: 401,
        title: "Unauthorized",
        detail: check.kind === "expired" ? "The access token has expired." : "The access token is not valid.",
      }),
    );
  }
  const unit = check.token.unit;
  if (key !== unit.subscriptionKey) {
    return fail(
      ctx.error({
        status: 401,
        title: "Unauthorized",
        detail: "Access denied due to invalid subscription key for this access token.",
      }),
    );
  }
  const msn = ctx.header("merchant-serial-number");
  if (msn === undefined || msn === "") {
    if (msnRule === "required") {
      return fail(
        ctx.error({
          status: 400,
          title: "Bad Request",
          detail: "The Merchant-Serial-Number header is required.",
          extraDetails: [{ name: "Merchant-Serial-Number", reason: "required" }],
        }),
      );
    }
    return ok(unit);
  }
  if (!MSN_HEADER_PATTERN.test(msn)) {
    return fail(
      ctx.error({
        status: 400,
        title: "Bad Request",
        detail: "Merchant-Serial-Number must be 4–7 digits.",
        extraDetails: [{ name: "Merchant-Serial-Number", reason: "must be 4–7 digits" }],
      }),
    );
  }
  if (msn !== unit.msn) {
    return fail(
      ctx.error({
        status: 403,
        title: "Forbidden",
        detail: "The access token does not give access to this Merchant-Serial-Number.",
      }),
    );
  }
  return ok(unit);
}

/** `Authorization: Basic base64(client_id:client_secret)` as Login/CIBA use (RFC 6749 §2.3.1). */
export function basicCredentials(
  ctx: RequestContext,
): { clientId: string; clientSecret: string } | undefined {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(ctx.header("authorization") ?? "");
  if (m?.[1] === undefined) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon)),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

/** Parses a JSON request body; an empty body is `undefined`. */
export function parseJsonBody(ctx: RequestContext): Outcome<unknown> {
  if (ctx.rawBody.length === 0) return ok(undefined);
  const type = ctx.header("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    return fail(
      ctx.error({
        status: 415,
        title: "Unsupported Media Type",
        detail: "The body must be sent as Content-Type: application/json.",
      }),
    );
  }
  try {
    return ok(JSON.parse(ctx.rawBody.toString("utf8")) as unknown);
  } catch {
    return fail(
      ctx.error({
        status: 400,
        title: "Bad Request",
        detail: "The request body is not valid JSON.",
        extraDetails: [{ name: "body", reason: "invalid JSON" }],
      }),
    );
  }
}

/** Parses an application/x-www-form-urlencoded body (Login/CIBA). */
export function parseFormBody(ctx: RequestContext): Outcome<URLSearchParams> {
  const type = ctx.header("content-type") ?? "";
  if (ctx.rawBody.length > 0 && !/^application\/x-www-form-urlencoded\b/i.test(type)) {
    return fail(
      ctx.error({
        status: 400,
        title: "Bad Request",
        detail: "The body must be application/x-www-form-urlencoded.",
        oauthError: "invalid_request",
      }),
    );
  }
  return ok(new URLSearchParams(ctx.rawBody.toString("utf8")));
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
