import { timingSafeEqual } from "node:crypto";
import { MSISDN_PATTERN } from "../customers/customer-directory.js";
import { authenticate, basicCredentials, parseFormBody } from "../http/auth.js";
import { fail, jsonResponse, ok, type Outcome, type SimResponse } from "../http/responses.js";
import { defineRoute, type RequestContext, type Route } from "../http/router.js";
import { LOGIN_SCOPES, type SalesUnit } from "../options.js";
import { unitByClientId, type SimWorld } from "../world.js";
import { userinfoClaims } from "./claims.js";

/**
 * Login API: OIDC discovery and JWKS (login.yaml), merchant-initiated login / CIBA and its token
 * polling (docs/vipps-api.md §8 — not in the vendored spec), userinfo (userinfo.yaml). CIBA and token
 * calls authenticate with HTTP Basic client_id:client_secret (`client_secret_basic`, the default;
 * `client_secret_post` is not simulated) and take no subscription key.
 */
const ACCESS = "/access-management-1.0/access";
const CIBA_GRANT = "urn:openid:params:grant-type:ciba";
const BINDING_MESSAGE = /^[A-Z0-9-]{5,8}$/;
/** `requested_expiry` bounds, seconds (agent-toolkit login skill: 60–900). */
const EXPIRY_RANGE = [60, 900] as const;
const OAUTH_JSON = "application/json;charset=UTF-8";

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

function loginClient(ctx: RequestContext, world: SimWorld): Outcome<SalesUnit> {
  if (ctx.header("ocp-apim-subscription-key") !== undefined) {
    return fail(
      ctx.error({
        status: 401,
        title: "Unauthorized",
        detail: "Login endpoints take no Ocp-Apim-Subscription-Key.",
        oauthError: "invalid_request",
      }),
    );
  }
  const creds = basicCredentials(ctx);
  const unit = creds === undefined ? undefined : unitByClientId(world, creds.clientId);
  if (creds === undefined || unit === undefined || !same(creds.clientSecret, unit.clientSecret)) {
    return fail(
      ctx.error({
        status: 401,
        title: "Unauthorized",
        detail: "Client authentication failed (HTTP Basic client_id:client_secret).",
        oauthError: "invalid_client",
        headers: { "www-authenticate": 'Basic realm="vipps-login"' },
      }),
    );
  }
  return ok(unit);
}

function discovery(base: string): Record<string, unknown> {
  return {
    issuer: `${base}${ACCESS}/`,
    authorization_endpoint: `${base}${ACCESS}/oauth2/auth`,
    token_endpoint: `${base}${ACCESS}/oauth2/token`,
    userinfo_endpoint: `${base}/vipps-userinfo-api/userinfo`,
    jwks_uri: `${base}${ACCESS}/.well-known/jwks.json`,
    backchannel_authentication_endpoint: `${base}/vipps-login-ciba/api/backchannel/authentication`,
    backchannel_token_delivery_modes_supported: ["poll", "ping"],
    backchannel_user_code_parameter_supported: false,
    response_types_supported: ["code"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["ES256"],
    scopes_supported: [...LOGIN_SCOPES],
    claims_supported: [
      "sub",
      "name",
      "given_name",
      "family_name",
      "phone_number",
      "email",
      "email_verified",
      "address",
      "other_addresses",
      "birthdate",
      "nin",
      "sid",
      "delegatedConsents",
    ],
    grant_types_supported: ["authorization_code", CIBA_GRANT],
    token_endpoint_auth_methods_supported: ["client_secret_basic"],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    require_request_uri_registration: false,
    response_modes_supported: ["query"],
  };
}

export function loginRoutes(world: SimWorld): Route[] {
  const bad = (
    ctx: RequestContext,
    oauthError: string,
    detail: string,
    oauthErrorCode?: string,
  ): SimResponse =>
    ctx.error({
      status: 400,
      title: "Bad Request",
      detail,
      oauthError,
      ...(oauthErrorCode === undefined ? {} : { oauthErrorCode }),
    });

  function userinfo(ctx: RequestContext): SimResponse {
    const unauthorized = (detail: string): SimResponse =>
      ctx.error({ status: 401, title: "Unauthorized", detail });
    if (ctx.header("ocp-apim-subscription-key") !== undefined)
      return unauthorized("Send only the Login access token to userinfo, no Ocp-Apim-Subscription-Key.");
    const m = /^Bearer (\S+)$/.exec(ctx.header("authorization") ?? "");
    const session = m?.[1] === undefined ? undefined : world.logins.session(m[1]);
    if (session === undefined) return unauthorized("The access token is not valid.");
    if (session === "expired") return unauthorized("The access token has expired.");
    const claims = userinfoClaims(session.scopes, {
      sub: world.customers.sub(session.msn, session.msisdn),
      msisdn: session.msisdn,
      profile: world.customers.profile(session.msisdn),
      sid: session.sid,
      consentedAt: new Date(session.consentedAt).toISOString(),
    });
    return jsonResponse(200, claims, OAUTH_JSON);
  }

  return [
    defineRoute("GET", `${ACCESS}/.well-known/openid-configuration`, "login.discovery", "login", () =>
      jsonResponse(200, discovery(world.baseUrl()), "application/json", { "cache-control": "max-age=3600" }),
    ),
    defineRoute("GET", `${ACCESS}/.well-known/jwks.json`, "login.jwks", "login", () =>
      jsonResponse(200, world.idTokens.jwks()),
    ),
    defineRoute("GET", `${ACCESS}/oauth2/auth`, "login.authorize", "login", (ctx) =>
      bad(
        ctx,
        "unsupported_response_type",
        "The simulator implements merchant-initiated login (CIBA) only, not the browser flow.",
      ),
    ),
    defineRoute("POST", "/vipps-login-ciba/api/backchannel/authentication", "login.ciba", "login", (ctx) => {
      const client = loginClient(ctx, world);
      if (!client.ok) return client.response;
      const form = parseFormBody(ctx);
      if (!form.ok) return form.response;
      const f = form.value;
      const requested = (f.get("scope") ?? "").split(" ").filter((s) => s !== "");
      if (!requested.includes("openid")) return bad(ctx, "invalid_scope", "scope must include openid.");
      const unknown = requested.filter((s) => !(LOGIN_SCOPES as readonly string[]).includes(s));
      if (unknown.length > 0) return bad(ctx, "invalid_scope", `Unsupported scope(s): ${unknown.join(" ")}.`);
      const hint = /^urn:msisdn:(\d+)$/.exec(f.get("login_hint") ?? "");
      if (hint?.[1] === undefined || !MSISDN_PATTERN.test(hint[1]))
        return bad(ctx, "invalid_request", "login_hint must be urn:msisdn:<MSISDN>.");
      const msisdn = hint[1];
      const binding = f.get("binding_message");
      if (binding !== null && !BINDING_MESSAGE.test(binding))
        return bad(ctx, "invalid_binding_message", "binding_message must match ^[A-Z0-9\\-]{5,8}$.");
      const expiryText = f.get("requested_expiry");
      let expiresIn = world.options.authRequestExpirySeconds;
      if (expiryText !== null) {
        expiresIn = Number(expiryText);
        if (!/^\d+$/.test(expiryText) || expiresIn < EXPIRY_RANGE[0] || expiresIn > EXPIRY_RANGE[1]) {
          return bad(
            ctx,
            "invalid_request",
            `requested_expiry must be ${EXPIRY_RANGE[0]}–${EXPIRY_RANGE[1]} seconds.`,
          );
        }
      }
      if (f.get("requested_flow") !== null)
        return bad(ctx, "invalid_request", "requested_flow (login_to_webpage) is not simulated.");
      const status = world.customers.status(msisdn);
      if (status === "unknown" || status === "blocked")
        return bad(
          ctx,
          "unknown_user_id",
          "No eligible Vipps MobilePay user for this login_hint.",
          "invalid_user",
        );
      if (status === "old_app")
        return bad(ctx, "invalid_request", "The user's app is too old for this login flow.", "old_app");
      if (world.logins.pendingFor(msisdn, ctx.now) >= world.logins.maxConcurrentPerUser) {
        return ctx.error({
          status: 429,
          title: "Too Many Requests",
          detail: "Too many login requests towards this user at the same time.",
          oauthError: "slow_down",
          headers: { "retry-after": String(world.options.pollIntervalSeconds * 6) },
        });
      }
      const unit = client.value;
      const granted = requested.filter(
        (s) => s === "openid" || (unit.loginScopes as readonly string[]).includes(s),
      );
      const nonce = f.get("nonce");
      const r = world.logins.start(unit, msisdn, granted, expiresIn, {
        ...(binding === null ? {} : { bindingMessage: binding }),
        ...(nonce === null ? {} : { nonce }),
      });
      return jsonResponse(200, {
        auth_req_id: r.authReqId,
        expires_in: expiresIn,
        interval: r.intervalSeconds,
      });
    }),
    defineRoute("POST", "/vipps-login-ciba/api/v1/user-exists", "login.user-exists", "login", (ctx) => {
      const client = loginClient(ctx, world);
      if (!client.ok) return client.response;
      const form = parseFormBody(ctx);
      if (!form.ok) return form.response;
      const hint = /^urn:msisdn:(\d{10,15})$/.exec(form.value.get("login_hint") ?? "");
      if (hint?.[1] === undefined)
        return bad(ctx, "invalid_request", "login_hint must be urn:msisdn:<MSISDN>.");
      return jsonResponse(200, { exists: world.customers.status(hint[1]) !== "unknown" });
    }),
    defineRoute("POST", `${ACCESS}/oauth2/token`, "login.token", "login", (ctx) => {
      const client = loginClient(ctx, world);
      if (!client.ok) return client.response;
      const form = parseFormBody(ctx);
      if (!form.ok) return form.response;
      if (form.value.get("grant_type") !== CIBA_GRANT)
        return bad(ctx, "unsupported_grant_type", `grant_type must be ${CIBA_GRANT}.`);
      const authReqId = form.value.get("auth_req_id");
      if (authReqId === null || authReqId === "")
        return bad(ctx, "invalid_request", "auth_req_id is required.");
      const result = world.logins.poll(client.value.clientId, authReqId);
      if (result.kind !== "tokens") {
        const detail = {
          authorization_pending: "The authorization request is still pending.",
          slow_down: "Polling too fast; the interval is now 5 seconds longer.",
          access_denied: "The user declined.",
          expired_token: "The auth_req_id has expired; start a new login.",
          invalid_grant: "Unknown or already used auth_req_id.",
        }[result.kind];
        return bad(ctx, result.kind, detail);
      }
      const { request, session } = result;
      const iat = Math.floor(ctx.now / 1000);
      const idToken = world.idTokens.sign({
        iss: `${world.baseUrl()}${ACCESS}/`,
        aud: request.clientId,
        sub: world.customers.sub(request.msn, request.msisdn),
        auth_req_id: request.authReqId,
        iat,
        exp: iat + 600,
        ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
      });
      return jsonResponse(
        200,
        {
          access_token: session.accessToken,
          token_type: "Bearer",
          expires_in: world.options.loginAccessTokenTtlSeconds,
          id_token: idToken,
          scope: session.scopes.join(" "),
        },
        OAUTH_JSON,
      );
    }),
    defineRoute("GET", "/vipps-userinfo-api/userinfo", "login.userinfo", "userinfo", userinfo),
    defineRoute("GET", "/vipps-userinfo-api/userinfo/", "login.userinfo", "userinfo", userinfo),
    defineRoute("GET", "/vipps-userinfo-api/userinfo/{sub}", "userinfo.by-sub", "userinfo", (ctx) => {
      const auth = authenticate(ctx, world.tokens, "optional");
      if (!auth.ok) return auth.response;
      const sub = ctx.params.sub ?? "";
      const consented = world.payments
        .list()
        .filter((p) => p.msn === auth.value.msn && p.sub === sub && p.customerMsisdn !== undefined);
      const first = consented[0];
      if (first?.customerMsisdn === undefined)
        return ctx.error({
          status: 404,
          title: "Not Found",
          detail: "No user with this sub has shared a profile with this sales unit.",
        });
      const scopes = new Set(consented.flatMap((p) => (p.profileScope ?? "").split(/\s+/)));
      const claims = userinfoClaims([...scopes], {
        sub,
        msisdn: first.customerMsisdn,
        profile: world.customers.profile(first.customerMsisdn),
        consentedAt: new Date(first.createdAt).toISOString(),
      });
      return jsonResponse(200, claims, OAUTH_JSON);
    }),
  ];
}
