/**
 * Login API shapes for merchant-initiated login (CIBA) and userinfo, hand-written from
 * test/contract/vipps-openapi/login.yaml, userinfo.yaml and docs/vipps-api.md §8.
 */
type LoginScope =
  "openid" | "name" | "phoneNumber" | "email" | "address" | "birthDate" | "nin" | "delegatedConsents";

/** The fields of the OpenID discovery document the agent uses. */
export interface OidcDiscovery {
  readonly issuer: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly userinfo_endpoint?: string;
  readonly backchannel_authentication_endpoint?: string;
}

export interface CibaStartRequest {
  /** `openid` is always added. */
  readonly scope: readonly LoginScope[];
  /** Who is asked to log in; becomes `login_hint=urn:msisdn:<msisdn>`. */
  readonly loginHint: { readonly msisdn: string };
  /** Shown on the till and on the phone; `^[A-Z0-9-]{5,8}$`. */
  readonly bindingMessage?: string;
  /** Seconds the user has to approve, 60–900. */
  readonly requestedExpiry?: number;
}

export interface CibaStarted {
  /** Handle for polling; treat like a credential (never log it). */
  readonly authReqId: string;
  readonly expiresInSeconds: number;
  /** Minimum seconds between polls (5 when Vipps does not say). */
  readonly intervalSeconds: number;
}

export interface LoginTokens {
  /** Short-lived Login access token: use it for userinfo right away. */
  readonly accessToken: string;
  readonly tokenType: string;
  readonly expiresInSeconds: number;
  /** JWS; not validated here (userinfo over TLS is authoritative for the claims we use). */
  readonly idToken?: string;
  readonly scope?: string;
}

/** One poll of the token endpoint (CIBA poll mode). */
export type CibaPollResult =
  | { readonly kind: "authorization_pending" }
  /** Poll at least 5 s slower from now on. */
  | { readonly kind: "slow_down" }
  /** The user declined. */
  | { readonly kind: "access_denied" }
  /** The auth_req_id expired: start over. */
  | { readonly kind: "expired_token" }
  | { readonly kind: "success"; readonly tokens: LoginTokens };

interface UserinfoAddress {
  readonly street_address?: string;
  readonly postal_code?: string;
  readonly region?: string;
  readonly country?: string;
  readonly formatted?: string;
  readonly address_type?: string;
  readonly default?: boolean;
}

/** Only the consented claims are present. Personal data: never log any of it. */
export interface Userinfo {
  /** Stable per sales unit: the loyalty key. */
  readonly sub: string;
  readonly name?: string;
  readonly given_name?: string;
  readonly family_name?: string;
  readonly phone_number?: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly birthdate?: string;
  readonly address?: UserinfoAddress;
  readonly other_addresses?: readonly UserinfoAddress[];
  readonly nin?: string;
  readonly sid?: string;
  readonly delegatedConsents?: Readonly<Record<string, unknown>>;
}
