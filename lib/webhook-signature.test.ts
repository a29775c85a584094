import { describe, expect, it } from "vitest";
import { contentHash, signWebhook, stringToSign, verifyWebhookSignature } from "./webhook-signature.js";

// The official vector, vippsas/webhooks-api request-authentication.md @ d1c57d2 (docs/vipps-api.md §5.4).
const SECRET = "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==";
const URL_ = "https://webhook.site/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63";
const BODY = Buffer.from(
  '{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}',
  "utf8",
);
const DATE = "Thu, 30 Mar 2023 08:38:32 GMT";
const HASH = "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=";
const AUTH =
  "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=";
const headers = { "x-ms-date": DATE, "x-ms-content-sha256": HASH, authorization: AUTH };

describe("webhook signature (official vector)", () => {
  it("computes the content hash, string to sign and Authorization of the vector", () => {
    expect(contentHash(BODY)).toBe(HASH);
    expect(stringToSign(URL_, DATE, HASH)).toBe(
      `POST\n/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63\n${DATE};webhook.site;${HASH}`,
    );
    expect(signWebhook(SECRET, URL_, BODY, DATE)).toEqual(headers);
  });

  it("verifies the vector", () => {
    expect(verifyWebhookSignature({ secrets: [SECRET], registeredUrl: URL_, rawBody: BODY, headers })).toBe(
      true,
    );
  });

  it("accepts the registered URL with an explicit default port (the host drops it)", () => {
    const url = "https://webhook.site:443/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63";
    expect(verifyWebhookSignature({ secrets: [SECRET], registeredUrl: url, rawBody: BODY, headers })).toBe(
      true,
    );
  });

  it("accepts any of several secrets (rotation)", () => {
    expect(
      verifyWebhookSignature({ secrets: ["old", SECRET], registeredUrl: URL_, rawBody: BODY, headers }),
    ).toBe(true);
  });
});

describe("webhook signature (negative cases)", () => {
  const verify = (over: Partial<Parameters<typeof verifyWebhookSignature>[0]>): boolean =>
    verifyWebhookSignature({ secrets: [SECRET], registeredUrl: URL_, rawBody: BODY, headers, ...over });

  it("rejects a key made by base64-decoding the secret", () => {
    const decoded = Buffer.from(SECRET, "base64").toString("latin1");
    expect(verify({ secrets: [decoded] })).toBe(false);
    // The decoded-key signature given in docs/vipps-api.md §5.4, to prove the test can tell them apart.
    const wrong = `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=T3+NXHMmhNVEjW5PeJ4Gql70nf0MOXCAY9CoZDxuVQw=`;
    expect(verify({ headers: { ...headers, authorization: wrong } })).toBe(false);
  });

  it("rejects the CRLF variant's signature", () => {
    const crlf = `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=e2JssLZWx4Kq/x8/foltDABXhfJzyZ4vliw4NYsxfl4=`;
    expect(verify({ headers: { ...headers, authorization: crlf } })).toBe(false);
  });

  it("rejects a non-default port in the registered URL", () => {
    expect(verify({ registeredUrl: "https://webhook.site:8443/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63" })).toBe(
      false,
    );
  });

  it("rejects another path, a changed body, a changed date, a wrong secret", () => {
    expect(verify({ registeredUrl: "https://webhook.site/other" })).toBe(false);
    expect(verify({ rawBody: Buffer.from(BODY.toString("utf8") + " ") })).toBe(false);
    expect(verify({ headers: { ...headers, "x-ms-date": "Thu, 30 Mar 2023 08:38:33 GMT" } })).toBe(false);
    expect(verify({ secrets: ["not-the-secret"] })).toBe(false);
    expect(verify({ secrets: [] })).toBe(false);
  });

  it("rejects a body whose hash header was recomputed but not re-signed", () => {
    const body = Buffer.from('{"forged":true}');
    expect(verify({ rawBody: body, headers: { ...headers, "x-ms-content-sha256": contentHash(body) } })).toBe(
      false,
    );
  });

  it("rejects missing headers", () => {
    expect(verify({ headers: { "x-ms-date": DATE, "x-ms-content-sha256": HASH } })).toBe(false);
    expect(verify({ headers: { authorization: AUTH, "x-ms-content-sha256": HASH } })).toBe(false);
    expect(verify({ headers: { authorization: AUTH, "x-ms-date": DATE } })).toBe(false);
  });
});
