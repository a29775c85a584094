import type { AccessTokenCache } from "./access-token.js";
import { isVippsError } from "./errors.js";
import type { CallResult, CallSpec, HttpEngine } from "./http-engine.js";

/**
 * Authentication per API (docs/vipps-api.md §1.2, §8):
 * - `access-token`: `Authorization: Bearer <access token>` + `Ocp-Apim-Subscription-Key`
 *   (QR, Webhooks, ePayment, Order Management). On a 401 the token is refreshed once and the call retried once,
 *   with the same Idempotency-Key and body.
 * - `basic`: `Authorization: Basic base64(client_id:client_secret)`, no subscription key, no
 *   access token (CIBA start and the Login token endpoint).
 * - `bearer`: the caller's own token (the Login access token for userinfo), no subscription key;
 *   a 401 is final — that token is not ours to refresh.
 * - `none`: public documents (OpenID discovery).
 */
type Auth =
  | { readonly kind: "access-token" }
  | { readonly kind: "basic" }
  | { readonly kind: "bearer"; readonly token: string }
  | { readonly kind: "none" };

export interface ApiCall extends Omit<CallSpec, "headers"> {
  readonly auth: Auth;
  /** ePayment create/capture/cancel/refund: supplied by the caller, identical on every attempt. */
  readonly idempotencyKey?: string;
}

export interface Credentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly subscriptionKey: string;
}

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`, "utf8").toString("base64")}`;
}

export class VippsTransport {
  constructor(
    private readonly engine: HttpEngine,
    private readonly tokens: AccessTokenCache,
    private readonly credentials: Credentials,
  ) {}

  async call(call: ApiCall): Promise<CallResult> {
    const { auth, idempotencyKey, ...rest } = call;
    const extra: Record<string, string> =
      idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey };
    switch (auth.kind) {
      case "none":
        return this.engine.send({ ...rest, headers: extra });
      case "basic":
        return this.engine.send({
          ...rest,
          headers: { ...extra, Authorization: basicAuthorization(this.credentials) },
        });
      case "bearer":
        return this.engine.send({
          ...rest,
          headers: { ...extra, Authorization: `Bearer ${auth.token}` },
          sensitive: [...(rest.sensitive ?? []), auth.token],
        });
      case "access-token":
        return this.withAccessToken({ ...rest, headers: extra });
    }
  }

  private async withAccessToken(spec: CallSpec): Promise<CallResult> {
    const send = (token: string): Promise<CallResult> =>
      this.engine.send({
        ...spec,
        headers: {
          ...spec.headers,
          Authorization: `Bearer ${token}`,
          "Ocp-Apim-Subscription-Key": this.credentials.subscriptionKey,
        },
      });
    const token = await this.tokens.get();
    try {
      return await send(token);
    } catch (error) {
      if (!isVippsError(error, "VIPPS_UNAUTHORIZED")) throw error;
      this.tokens.invalidate(token);
      return send(await this.tokens.get());
    }
  }
}
