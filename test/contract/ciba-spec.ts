/**
 * The CIBA (merchant-initiated login) endpoints, written by hand as OpenAPI 3.0 fragments
 * because the vendored login.yaml predates them (SOURCES.md). Source: docs/vipps-api.md §8 (Login
 * merchant-initiated integration guide, login checklist 2025-10-24, agent-toolkit) and the
 * OpenID CIBA core spec for the standard parts. Merged into the login spec by spec-deltas.ts, so
 * `$ref`s point into login.yaml's components.
 */

/** OAuth/OIDC error body; Vipps adds `error_code` (e.g. "old_app", "invalid_user") on CIBA. */
export const OAUTH_ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: { type: "string", minLength: 1 },
    error_description: { type: "string" },
    error_code: { anyOf: [{ type: "string" }, { type: "integer" }] },
    error_debug: { type: "string" },
  },
} as const;

const COMMON_PARAMETERS = [
  { $ref: "#/components/parameters/Merchant-Serial-Number" },
  { $ref: "#/components/parameters/Vipps-System-Name" },
  { $ref: "#/components/parameters/Vipps-System-Version" },
  { $ref: "#/components/parameters/Vipps-System-Plugin-Name" },
  { $ref: "#/components/parameters/Vipps-System-Plugin-Version" },
];

const oauthError = (description: string): Record<string, unknown> => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/OAuthError" } } },
});

export const CIBA_SCHEMAS = {
  OAuthError: OAUTH_ERROR_SCHEMA,
  CibaAuthenticationRequest: {
    type: "object",
    required: ["scope", "login_hint"],
    additionalProperties: false,
    properties: {
      // Space-separated; must include `openid`.
      scope: { type: "string", pattern: "(^| )openid( |$)" },
      // Only the documented MSISDN hint (urn:customer-token is UNVERIFIED, docs/vipps-api.md §12.3).
      login_hint: { type: "string", pattern: "^urn:msisdn:\\d{10,15}$" },
      binding_message: { type: "string", pattern: "^[A-Z0-9\\-]{5,8}$" },
      // Seconds, 60–900 (agent-toolkit), as a form field.
      requested_expiry: { type: "string", pattern: "^(6[0-9]|[7-9][0-9]|[1-8][0-9]{2}|900)$" },
      state: { type: "string" },
      nonce: { type: "string" },
    },
  },
  CibaAuthenticationResponse: {
    type: "object",
    required: ["auth_req_id", "expires_in"],
    properties: {
      auth_req_id: { type: "string", minLength: 1 },
      expires_in: { type: "integer", minimum: 1 },
      interval: { type: "integer", minimum: 1 },
    },
  },
  CibaTokenRequest: {
    type: "object",
    required: ["grant_type", "auth_req_id"],
    additionalProperties: false,
    properties: {
      grant_type: { type: "string", enum: ["urn:openid:params:grant-type:ciba"] },
      auth_req_id: { type: "string", minLength: 1 },
      // Only with client_secret_post, which a sales unit must enable in the portal.
      client_id: { type: "string" },
      client_secret: { type: "string" },
    },
  },
  UserExistsRequest: {
    type: "object",
    required: ["login_hint"],
    additionalProperties: false,
    properties: { login_hint: { type: "string", pattern: "^urn:msisdn:\\d{10,15}$" } },
  },
  UserExistsResponse: {
    type: "object",
    required: ["exists"],
    properties: { exists: { type: "boolean" } },
  },
} as const;

export const CIBA_PATHS = {
  "/vipps-login-ciba/api/backchannel/authentication": {
    post: {
      operationId: "cibaBackchannelAuthentication",
      // Basic client_id:client_secret only: no access token, no subscription key (docs/vipps-api.md §8).
      security: [{ "Basic-Authorization": [] }],
      "x-forbidden-headers": ["Ocp-Apim-Subscription-Key"],
      parameters: COMMON_PARAMETERS,
      requestBody: {
        required: true,
        content: {
          "application/x-www-form-urlencoded": {
            schema: { $ref: "#/components/schemas/CibaAuthenticationRequest" },
          },
        },
      },
      responses: {
        "200": {
          description: "Login request started",
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/CibaAuthenticationResponse" } },
          },
        },
        "400": oauthError(
          "invalid_request, invalid_scope, unknown_user_id, error_code old_app / invalid_user",
        ),
        "401": oauthError("invalid_client"),
        "403": oauthError("access_denied / unauthorized_client"),
        // Too many concurrent logins for this user; honour Retry-After.
        "429": oauthError("too many concurrent logins"),
      },
    },
  },
  "/vipps-login-ciba/api/v1/user-exists": {
    post: {
      operationId: "cibaUserExists",
      security: [{ "Basic-Authorization": [] }],
      "x-forbidden-headers": ["Ocp-Apim-Subscription-Key"],
      parameters: COMMON_PARAMETERS,
      requestBody: {
        required: true,
        content: {
          "application/x-www-form-urlencoded": { schema: { $ref: "#/components/schemas/UserExistsRequest" } },
        },
      },
      responses: {
        "200": {
          description: "Whether a Vipps MobilePay user has that number",
          content: { "application/json": { schema: { $ref: "#/components/schemas/UserExistsResponse" } } },
        },
        "400": oauthError("invalid_request"),
        "401": oauthError("invalid_client"),
      },
    },
  },
} as const;

/** `user.checked-in.v1` webhook body (docs/vipps-api.md §4; QR API webhooks page). */
export const CHECKED_IN_SCHEMA = {
  type: "object",
  required: ["customerToken", "merchantQrId", "msn", "initiatedAt"],
  properties: {
    customerToken: { type: "string", minLength: 1 },
    merchantQrId: { type: "string", minLength: 1 },
    msn: { type: "string", pattern: "^[0-9]{4,7}$" },
    initiatedAt: { type: "string", format: "date-time" },
  },
} as const;
