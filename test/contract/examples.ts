/**
 * Example bodies in the shapes documented in docs/vipps-api.md (§2, §3, §5, §6, §8), valid against the
 * vendored specs (openapi.test.ts proves it). Tests build scripted Vipps answers from these so
 * that a fixture cannot drift away from the contract. Each is a function: a fresh object per use.
 */
export const EXAMPLE_MSN = "123456";
export const EXAMPLE_REFERENCE = "kasse1-20260821-000042";

export function accessTokenBody(
  token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.sig",
  expiresIn = 3600,
): Record<string, string> {
  return {
    token_type: "Bearer",
    expires_in: String(expiresIn),
    ext_expires_in: "0",
    expires_on: "1767225600",
    not_before: "1767222000",
    resource: "00000002-0000-0000-c000-000000000000",
    access_token: token,
  };
}

export function amount(value: number, currency = "NOK"): { currency: string; value: number } {
  return { currency, value };
}

export function createPaymentBody(
  reference = EXAMPLE_REFERENCE,
  customerToken = "wbA8ceVRKkoYiQAVELHeFCC3Sn5dtNCvvEtVPiOT77j6wx7uR965AG6Q+q0ATP4=",
): Record<string, unknown> {
  return {
    amount: amount(4900),
    paymentMethod: { type: "WALLET" },
    customer: { customerToken },
    customerInteraction: "CUSTOMER_PRESENT",
    userFlow: "PUSH_MESSAGE",
    reference,
    paymentDescription: "Kasse 1 - kjøp 000042",
    receipt: {
      orderLines: [
        {
          name: "Kaffe",
          id: "sku-1",
          totalAmount: 4900,
          totalAmountExcludingTax: 3920,
          totalTaxAmount: 980,
          taxRate: 2500,
          unitInfo: { unitPrice: 4900, quantity: "1", quantityUnit: "PCS" },
        },
      ],
      bottomLine: { currency: "NOK", posId: "kasse1", receiptNumber: "000042" },
    },
    metadata: { till: "kasse1" },
  };
}

function aggregate(authorized: number, captured = 0, refunded = 0, cancelled = 0): Record<string, unknown> {
  return {
    authorizedAmount: amount(authorized),
    capturedAmount: amount(captured),
    refundedAmount: amount(refunded),
    cancelledAmount: amount(cancelled),
  };
}

export function paymentBody(state = "AUTHORIZED", reference = EXAMPLE_REFERENCE): Record<string, unknown> {
  return {
    reference,
    pspReference: "8ddc8b08-1ab5-4b40-9d36-7c8b9a1e1f6a",
    state,
    amount: amount(4900),
    aggregate: aggregate(state === "AUTHORIZED" ? 4900 : 0),
    paymentMethod: { type: "WALLET" },
    profile: {},
    metadata: { till: "kasse1" },
  };
}

export function modificationBody(
  captured: number,
  refunded = 0,
  cancelled = 0,
  reference = EXAMPLE_REFERENCE,
): Record<string, unknown> {
  return {
    amount: amount(4900),
    state: "AUTHORIZED",
    aggregate: aggregate(4900, captured, refunded, cancelled),
    pspReference: "2f9ad1f6-3b7e-4f7c-9a57-0c2c7cf4d6f1",
    reference,
  };
}

export function paymentEventsBody(reference = EXAMPLE_REFERENCE): Record<string, unknown>[] {
  return [
    {
      reference,
      pspReference: "p-1",
      name: "CREATED",
      amount: amount(4900),
      timestamp: "2026-08-21T10:00:00Z",
      idempotencyKey: `${reference}-create`,
      success: true,
    },
    {
      reference,
      pspReference: "p-2",
      name: "AUTHORIZED",
      amount: amount(4900),
      timestamp: "2026-08-21T10:00:20Z",
      idempotencyKey: null,
      success: true,
    },
  ];
}

export function problemBody(
  status: number,
  vippsCode?: string,
  title = "Bad Request",
): Record<string, unknown> {
  return {
    type: "https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/errors",
    title,
    detail: `${title} (example)`,
    instance: "/epayment/v1/payments",
    status,
    traceId: "00-4f7c0c2c7cf4d6f1-01",
    ...(vippsCode === undefined ? {} : { extraDetails: [{ name: "ErrorCode", reason: vippsCode }] }),
  };
}

export function merchantCallbackQrBody(merchantQrId = "kasse1"): Record<string, unknown> {
  return {
    merchantSerialNumber: EXAMPLE_MSN,
    merchantQrId,
    locationDescription: "Kasse 1",
    qrImageUrl: "https://qr.vipps.no/generate/qr.png?token=abc",
    qrContent: "https://qr.vipps.no/28/2/01/031/abcdef",
  };
}

export function webhookRegistrationBody(): Record<string, unknown> {
  return { id: "3f1d5b1e-8c71-4a55-9f51-6a1d2b3c4d5e", secret: "090a478d-37ff-4e77-970e-d457aeb26a3a" };
}

export function discoveryBody(origin = "https://apitest.vipps.no"): Record<string, unknown> {
  return {
    issuer: `${origin}/access-management-1.0/access/`,
    authorization_endpoint: `${origin}/access-management-1.0/access/oauth2/auth`,
    token_endpoint: `${origin}/access-management-1.0/access/oauth2/token`,
    userinfo_endpoint: `${origin}/vipps-userinfo-api/userinfo`,
    backchannel_authentication_endpoint: `${origin}/vipps-login-ciba/api/backchannel/authentication`,
    jwks_uri: `${origin}/access-management-1.0/access/.well-known/jwks.json`,
    response_types_supported: ["code"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
  };
}

export function userinfoBody(): Record<string, unknown> {
  return {
    sub: "c06c4afe-d9e1-4c5d-939a-177d752a0944",
    name: "Ada Lovelace",
    given_name: "Ada",
    family_name: "Lovelace",
    phone_number: "4791234567",
    email: "ada@example.com",
    email_verified: true,
    address: {
      street_address: "Robert Levins gate 5",
      postal_code: "0154",
      region: "Oslo",
      country: "NO",
      address_type: "home",
      default: true,
    },
  };
}
