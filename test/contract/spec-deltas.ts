import { CIBA_PATHS, CIBA_SCHEMAS, OAUTH_ERROR_SCHEMA } from "./ciba-spec.js";

/**
 * The known differences between the vendored (older) specs and live Vipps MobilePay, applied
 * to the parsed YAML before anything is compiled. Every entry names its source: SOURCES.md in
 * vipps-openapi/ ("SOURCES"), or docs/vipps-api.md ("docs/vipps-api.md §n"), or an evident
 * defect of the copy itself ("spec defect"). The YAML files stay byte-for-byte official.
 *
 * SOURCES deltas that need no patch here:
 * - not about shapes (the simulator enforces them as behaviour): ePayment `expiresAt` 10 min–60
 *   days live vs 28 days here; per-currency minimum amounts (NOK 100 øre, DKK/EUR 1); webhooks'
 *   25 registrations per ePayment event and 1 per MSN for `user.checked-in.v1` (the copy says 5);
 * - live-only ePayment fields `minimumUserAge`, `shipping`/Express fields, `blockedSources`,
 *   `allowedCountries`: the copy's schemas allow additional properties, so they pass unchecked;
 * - access-token response values are strings: the copy already types them `string` (only its
 *   examples are numbers); `/miami/v1/token` stays in the spec but is for partner keys only —
 *   the agent uses `/accesstoken/get`.
 */
export type RawDoc = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Walks `path` and returns the object there; a missing step means the spec changed under us. */
export function node(doc: RawDoc, ...path: string[]): Record<string, unknown> {
  let current: unknown = doc;
  for (const step of path) {
    if (!isRecord(current)) break;
    current = current[step];
  }
  if (!isRecord(current)) throw new Error(`spec delta: no object at ${path.join(".")}`);
  return current;
}

const MSN_4_TO_7 = { type: "string", pattern: "^[0-9]{4,7}$", minLength: 4, maxLength: 7 };

function epayment(doc: RawDoc): void {
  const schemas = node(doc, "components", "schemas");
  // SOURCES: `receipt` is an external $ref to raw.githubusercontent.com/…/order-management…
  // #/components/schemas/Receipt; the vendored order-management.yaml has the same schema.
  node(schemas, "CreatePaymentRequest", "properties", "receipt").$ref =
    "order-management.yaml#/components/schemas/Receipt";
  // SOURCES: reference is `^[a-zA-Z0-9-]{8,50}$` here and 8–64 live. Deliberately NOT relaxed:
  // staying ≤ 50 satisfies both (docs/vipps-api.md §6.1).
  // docs/vipps-api.md §1.2: MSNs are 4–7 digits; the copy's `^[0-9]{4,6}$` is older.
  schemas.MSN = { ...node(schemas, "MSN"), ...MSN_4_TO_7 };
  // SOURCES: the copy has no cancel body; live has CancelModificationRequest
  // { cancelTransactionOnly?: boolean } (docs/vipps-api.md §6.5). Its only field, so unknown keys are refused
  // here to catch a misspelt `cancelTransactionOnly`.
  schemas.CancelModificationRequest = {
    type: "object",
    properties: { cancelTransactionOnly: { type: "boolean" } },
    additionalProperties: false,
  };
  node(doc, "paths", "/epayment/v1/payments/{reference}/cancel", "post").requestBody = {
    required: false,
    content: { "application/json": { schema: { $ref: "#/components/schemas/CancelModificationRequest" } } },
  };
  // Spec defect: PaymentEvent requires `paymentAction`, a property it does not define; the
  // event's kind is `name` (docs/vipps-api.md §6.4, and the same schema's properties).
  const event = node(schemas, "PaymentEvent");
  event.required = ["reference", "pspReference", "name", "amount", "timestamp", "success"];
  // Spec defect: the three Customer alternatives require nothing, so `oneOf` can never match
  // exactly one. Each requires its own field and nothing else ("Specifying more than one of
  // these will result in an error", docs/vipps-api.md §6.1).
  for (const [name, field] of [
    ["CustomerPhoneNumber", "phoneNumber"],
    ["PersonalQrCode", "personalQr"],
    ["CustomerToken", "customerToken"],
  ] as const) {
    const alternative = node(schemas, name);
    alternative.required = [field];
    alternative.additionalProperties = false;
  }
  node(schemas, "CustomerToken", "properties", "customerToken").minLength = 1;
  // SOURCES: live Problem has `extraDetails` [{ name, reason }] (the Vipps error code travels as
  // { name: "ErrorCode", reason: "6060" }, docs/vipps-api.md §1.3) and `instance`.
  Object.assign(node(schemas, "Problem", "properties"), {
    instance: { type: "string" },
    extraDetails: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "reason"],
        properties: { name: { type: "string" }, reason: { type: "string" } },
      },
    },
  });
  // SOURCES: `captureGuaranteedUntil` (Aug 2026) on GET payment and on the authorized webhook.
  for (const name of ["GetPaymentResponse", "WebhookEvent"]) {
    node(schemas, name, "properties").captureGuaranteedUntil = { type: "string", format: "date-time" };
  }
  // The copy declares the 200 of capture/cancel/refund as `application/problem+json`; the
  // validator treats every JSON media type alike (see openapi.ts), so nothing to patch.
}

function qr(doc: RawDoc): void {
  const schemas = node(doc, "components", "schemas");
  // SOURCES: `category` (May 2024) is missing on the merchant-callback PUT. Its enum is not
  // published in any source we have (only "IN_STORE" seen, docs/vipps-api.md §3), so: a non-empty string.
  node(schemas, "MerchantCallbackPutRequest", "properties").category = { type: "string", minLength: 1 };
  // The copy does not mark the token as required, but an exchange without one is the 400
  // "Customer object is required" of its own example; the client always sends one.
  const customer = node(schemas, "CustomerExchangeRequest", "properties", "customer");
  customer.required = ["customerToken"];
  node(customer, "properties", "customerToken").minLength = 1;
}

function accessToken(doc: RawDoc): void {
  // docs/vipps-api.md §1.2: MSN 4–7 digits (the copy says 4–6).
  const msn = node(doc, "components", "parameters", "Merchant-Serial-Number");
  msn.schema = { ...node(msn, "schema"), ...MSN_4_TO_7 };
}

function login(doc: RawDoc): void {
  const schemas = node(doc, "components", "schemas");
  const paths = node(doc, "paths");
  // SOURCES: login.yaml has no CIBA endpoints. They are described by hand from docs/vipps-api.md §8
  // (ciba-spec.ts), with the same path/parameter/response structure as the vendored ones.
  Object.assign(paths, CIBA_PATHS);
  Object.assign(schemas, CIBA_SCHEMAS);
  // The token endpoint only describes the authorization_code grant. The CIBA poll
  // (grant_type=urn:openid:params:grant-type:ciba&auth_req_id=…, docs/vipps-api.md §8 step 4) is validated
  // against the hand-written CibaTokenRequest instead of it.
  const token = node(paths, "/access-management-1.0/access/oauth2/token", "post");
  const form = node(token, "requestBody", "content", "application/x-www-form-urlencoded");
  form.schema = {
    if: {
      type: "object",
      properties: { grant_type: { const: "urn:openid:params:grant-type:ciba" } },
      required: ["grant_type"],
    },
    then: { $ref: "#/components/schemas/CibaTokenRequest" },
    else: form.schema,
  };
  // CIBA poll errors are 400 { error: authorization_pending | slow_down | access_denied |
  // expired_token | … } (docs/vipps-api.md §8 step 4, CIBA poll mode), not documented in the copy.
  const responses = node(token, "responses");
  responses["400"] = {
    description: "OAuth error",
    content: { "application/json": { schema: OAUTH_ERROR_SCHEMA } },
  };
  responses["401"] = {
    description: "OAuth error",
    content: { "application/json": { schema: OAUTH_ERROR_SCHEMA } },
  };
  // Spec defect: `id_token` is typed integer; it is a JWS string (docs/vipps-api.md §8 step 4).
  node(schemas, "OauthTokenResponse", "properties").id_token = { type: "string", minLength: 1 };
  // The discovery document advertises the CIBA and userinfo endpoints we use (docs/vipps-api.md §8 step 1).
  Object.assign(node(schemas, "WellKnown", "properties"), {
    backchannel_authentication_endpoint: { type: "string", format: "uri" },
    userinfo_endpoint: { type: "string", format: "uri" },
  });
}

function userinfo(doc: RawDoc): void {
  const schemas = node(doc, "components", "schemas");
  // SOURCES: `phone_number` pattern `^\d{15}$` is wrong (real MSISDNs such as 4791234567 are 10
  // digits). Validated as an MSISDN like ePayment's CustomerPhoneNumber: 10–15 digits.
  node(schemas, "Userinfo", "properties", "phone_number").pattern = "^\\d{10,15}$";
  // Spec defect: `country` puts a regex in `format`; it is meant as the pattern.
  const country = node(schemas, "UserinfoAddress", "properties", "country");
  delete country.format;
  country.pattern = "^[A-Z]{2}$";
  // docs/vipps-api.md §8 step 5 and §1.2: userinfo in the Login flow takes the Login access token ONLY —
  // the subscription key must not be sent (it can give 401), although the 2023 copy lists it.
  // The sub-based variant (/userinfo/{sub}) keeps the copy's parameters (UNVERIFIED, docs/vipps-api.md §8).
  const op = node(doc, "paths", "/vipps-userinfo-api/userinfo/", "get");
  op.parameters = (op.parameters as { $ref?: string }[]).filter(
    (p) => p.$ref !== "#/components/parameters/Ocp-Apim-Subscription-Key",
  );
  op["x-forbidden-headers"] = ["Ocp-Apim-Subscription-Key"];
}

/** Applies the deltas of one spec in place. */
export function applyDeltas(api: string, doc: RawDoc): void {
  switch (api) {
    case "epayment":
      epayment(doc);
      break;
    case "qr":
      qr(doc);
      break;
    case "access-token":
      accessToken(doc);
      break;
    case "login":
      login(doc);
      break;
    case "userinfo":
      userinfo(doc);
      break;
    default:
      // webhooks and order-management are used as vendored.
      break;
  }
}
