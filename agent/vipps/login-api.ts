import type { Clock } from "../../lib/clock.js";
import { VippsError } from "./errors.js";
import type { HttpEngine } from "./http-engine.js";
import { parseAnswer } from "./parse-answer.js";
import { cibaStartedSchema, discoverySchema, loginTokensSchema, userinfoSchema } from "./response-schemas.js";
import { IDEMPOTENT, LOGIN_POLL, LOGIN_START } from "./retry-policy.js";
import type { VippsTransport } from "./transport.js";
import type {
  CibaPollResult,
  CibaStarted,
  CibaStartRequest,
  OidcDiscovery,
  Userinfo,
} from "./types/login.js";
import { checkMsisdn, invalid, type OpRef } from "./validate-input.js";

/**
 * Login API, merchant-initiated (CIBA, poll mode) and userinfo (docs/vipps-api.md §8).
 * - Discovery is cached for its `Cache-Control: max-age` (on the monotonic clock); without one
 *   it is fetched each time. Endpoints it names must be on the configured base URL's origin:
 *   client credentials are never sent anywhere else.
 * - CIBA start and the token poll authenticate with Basic client credentials only (no access
 *   token, no subscription key), form-encoded.
 * - userinfo takes the Login access token only.
 */
const DISCOVERY_PATH = "/access-management-1.0/access/.well-known/openid-configuration";
const CIBA_GRANT = "urn:openid:params:grant-type:ciba";
const POLL_ERRORS = new Set(["authorization_pending", "slow_down", "access_denied", "expired_token"]);

const op = (operation: string, endpoint: string): OpRef => ({ operation: `login.${operation}`, endpoint });

function maxAgeMs(cacheControl: string | null): number | undefined {
  if (cacheControl === null || /(^|,)\s*(no-store|no-cache)\s*(,|$)/i.test(cacheControl)) return undefined;
  const m = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  return m === null ? undefined : Number(m[1]) * 1000;
}

export class LoginApi {
  private cached: { readonly value: OidcDiscovery; readonly until: number } | undefined;
  private inflight: Promise<OidcDiscovery> | undefined;

  constructor(
    private readonly transport: VippsTransport,
    private readonly engine: HttpEngine,
    private readonly baseUrl: string,
    private readonly clock: Clock,
  ) {}

  async discovery(): Promise<OidcDiscovery> {
    const cached = this.cached;
    if (cached !== undefined && this.clock.monotonic() < cached.until) return cached.value;
    this.inflight ??= this.fetchDiscovery().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Asks the customer's app to approve a login; poll `pollToken` no faster than `intervalSeconds`. */
  async startCiba(request: CibaStartRequest): Promise<CibaStarted> {
    const spec = op("startCiba", "POST /vipps-login-ciba/api/backchannel/authentication");
    checkMsisdn(spec, request.loginHint.msisdn, "loginHint.msisdn");
    const scopes: unknown = request.scope;
    if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === "string" && /^[A-Za-z]+$/.test(s)))
      throw invalid(spec, "scope must be a list of scope names");
    if (request.bindingMessage !== undefined && !/^[A-Z0-9-]{5,8}$/.test(request.bindingMessage))
      throw invalid(spec, "bindingMessage must match ^[A-Z0-9-]{5,8}$");
    const expiry = request.requestedExpiry;
    if (expiry !== undefined && (!Number.isInteger(expiry) || expiry < 60 || expiry > 900))
      throw invalid(spec, "requestedExpiry must be an integer 60–900 (seconds)");
    const path = await this.endpointPath(
      spec,
      (d) => d.backchannel_authentication_endpoint,
      "/vipps-login-ciba/api/backchannel/authentication",
    );
    const loginHint = `urn:msisdn:${request.loginHint.msisdn}`;
    const form: Record<string, string> = {
      scope: [...new Set<string>(["openid", ...request.scope])].join(" "),
      login_hint: loginHint,
    };
    if (request.bindingMessage !== undefined) form.binding_message = request.bindingMessage;
    if (expiry !== undefined) form.requested_expiry = String(expiry);
    const result = await this.transport.call({
      ...spec,
      method: "POST",
      path,
      auth: { kind: "basic" },
      form,
      retry: LOGIN_START,
      sensitive: [loginHint, request.loginHint.msisdn],
    });
    return parseAnswer(cibaStartedSchema, result, spec);
  }

  /** One poll of the token endpoint. Pending/slow_down/denied/expired are results, not errors. */
  async pollToken(authReqId: string): Promise<CibaPollResult> {
    const spec = op("pollToken", "POST /access-management-1.0/access/oauth2/token");
    if (typeof authReqId !== "string" || authReqId === "")
      throw invalid(spec, "authReqId must be a non-empty string");
    const path = await this.endpointPath(
      spec,
      (d) => d.token_endpoint,
      "/access-management-1.0/access/oauth2/token",
    );
    const call = {
      ...spec,
      method: "POST",
      path,
      auth: { kind: "basic" },
      form: { grant_type: CIBA_GRANT, auth_req_id: authReqId },
      retry: LOGIN_POLL,
      sensitive: [authReqId],
      passStatuses: [400],
    } as const;
    const result = await this.transport.call(call);
    if (result.status === 400) {
      const error = (result.json as { error?: unknown } | undefined)?.error;
      if (typeof error === "string" && POLL_ERRORS.has(error))
        return { kind: error as Exclude<CibaPollResult["kind"], "success"> };
      throw this.engine.statusError({ ...call, headers: {} }, result, result.attempts);
    }
    const tokens = parseAnswer(loginTokensSchema, result, spec);
    return { kind: "success", tokens };
  }

  /** The consented claims, with the Login access token from `pollToken`. */
  async userinfo(loginAccessToken: string): Promise<Userinfo> {
    const spec = op("userinfo", "GET /vipps-userinfo-api/userinfo");
    if (typeof loginAccessToken !== "string" || loginAccessToken === "")
      throw invalid(spec, "loginAccessToken must be a non-empty string");
    const path = await this.endpointPath(spec, (d) => d.userinfo_endpoint, "/vipps-userinfo-api/userinfo");
    const result = await this.transport.call({
      ...spec,
      method: "GET",
      path,
      auth: { kind: "bearer", token: loginAccessToken },
      retry: IDEMPOTENT,
    });
    return parseAnswer(userinfoSchema, result, spec);
  }

  private async fetchDiscovery(): Promise<OidcDiscovery> {
    const spec = op("discovery", `GET ${DISCOVERY_PATH}`);
    const result = await this.transport.call({
      ...spec,
      method: "GET",
      path: DISCOVERY_PATH,
      auth: { kind: "none" },
      retry: IDEMPOTENT,
    });
    const value = parseAnswer(discoverySchema, result, spec);
    const ttl = maxAgeMs(result.headers.get("cache-control"));
    this.cached = ttl === undefined ? undefined : { value, until: this.clock.monotonic() + ttl };
    return value;
  }

  /** Path (and query) of an endpoint named by discovery, or the documented default. */
  private async endpointPath(
    spec: OpRef,
    pick: (d: OidcDiscovery) => string | undefined,
    fallback: string,
  ): Promise<string> {
    const named = pick(await this.discovery());
    if (named === undefined) return fallback;
    let url: URL;
    try {
      url = new URL(named, this.baseUrl);
    } catch {
      throw new VippsError(
        "VIPPS_BAD_RESPONSE",
        `${spec.operation}: discovery names an invalid endpoint URL`,
        { ...spec, attempts: 0 },
      );
    }
    if (url.origin !== new URL(this.baseUrl).origin) {
      throw new VippsError(
        "VIPPS_BAD_RESPONSE",
        `${spec.operation}: discovery names an endpoint outside ${new URL(this.baseUrl).origin}; refusing to send credentials there`,
        { ...spec, attempts: 0 },
      );
    }
    // The engine prefixes the base URL, which may itself carry a path (a proxy, the simulator).
    const basePath = new URL(this.baseUrl).pathname.replace(/\/+$/, "");
    const path =
      basePath !== "" && url.pathname.startsWith(`${basePath}/`)
        ? url.pathname.slice(basePath.length)
        : url.pathname;
    return `${path}${url.search}`;
  }
}
