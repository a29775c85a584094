import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBody, SimApi, startTestVippsSim, type TestVippsSim } from "../../../test/helpers/vipps-sim.js";

let t: TestVippsSim;
let api: SimApi;
let key = 0;
beforeEach(async () => {
  t = await startTestVippsSim({
    customers: {
      "4700000001": { status: "unknown" },
      "4791234567": { payment: { action: "approve", afterMs: 1_000 } },
    },
  });
  api = new SimApi(t.sim.url, t.unit);
});
afterEach(async () => {
  await t.close();
});

const qrBody = (reference: string, qrFormat?: unknown): Record<string, unknown> => {
  const { customer: _none, ...base } = createBody(t.unit, reference, {});
  return { ...base, userFlow: "QR", ...(qrFormat === undefined ? {} : { qrFormat }) };
};
const create = (body: unknown) =>
  api.call("POST", "/epayment/v1/payments", { body, idempotencyKey: `key-${++key}` });
const control = async (path: string, body: unknown): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(`${t.sim.url}/_sim${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
};

describe("userFlow QR (epayment.yaml qrFormat)", () => {
  it("TEXT/TARGETURL answers with the URL the QR encodes; the default and the image formats with an image link", async () => {
    const text = await create(qrBody("kasse1-qrflow-01", { format: "TEXT/TARGETURL" }));
    expect(text.status).toBe(201);
    const url = (text.body as { redirectUrl: string }).redirectUrl;
    expect(url).toMatch(/^https:\/\/landing\.vipps\.no\/\?token=[A-Za-z0-9_-]{32}$/);
    expect(Buffer.byteLength(url)).toBeLessThanOrEqual(84); // a version-5 QR at level M: fits 80×24
    for (const [reference, format] of [
      ["kasse1-qrflow-02", undefined],
      ["kasse1-qrflow-03", { format: "IMAGE/PNG", size: 400 }],
    ] as const) {
      const image = await create(qrBody(reference, format));
      expect((image.body as { redirectUrl: string }).redirectUrl).toMatch(
        /^https:\/\/qr-image\.vipps\.no\/v1\?token=/,
      );
    }
  });

  it("refuses a malformed qrFormat with 400 naming the field", async () => {
    for (const [qrFormat, field] of [
      [{ format: "TEXT" }, "qrFormat.format"],
      [{ format: "IMAGE/PNG", size: 99 }, "qrFormat.size"],
      ["TEXT/TARGETURL", "qrFormat.format"],
    ] as const) {
      const a = await create(qrBody(`kasse1-qrbad-${String(++key).padStart(2, "0")}`, qrFormat));
      expect(a.status).toBe(400);
      expect(JSON.stringify(a.body)).toContain(field);
    }
  });

  it("a customer who scans the per-sale QR gets the payment and approves it (AUTHORIZED); a second customer cannot", async () => {
    const created = await create(qrBody("kasse1-qrscan-01", { format: "TEXT/TARGETURL" }));
    const qrContent = (created.body as { redirectUrl: string }).redirectUrl;
    const scanned = await control("/payment-qr/scan", { qrContent, msisdn: "4791234567" });
    expect(scanned.status).toBe(200);
    t.clock.advance(1_000);
    await expect
      .poll(
        async () =>
          ((await api.call("GET", "/epayment/v1/payments/kasse1-qrscan-01")).body as { state: string }).state,
      )
      .toBe("AUTHORIZED");
    const second = await control("/payment-qr/scan", { qrContent, msisdn: "4798765432" });
    expect(second.status).toBe(409);
  });

  it("refuses unknown QR text (404), a customer without the app (409), and an expired payment (409)", async () => {
    expect(
      (await control("/payment-qr/scan", { qrContent: "https://example.com/x", msisdn: "4791234567" }))
        .status,
    ).toBe(404);
    const created = await create(qrBody("kasse1-qrscan-02", { format: "TEXT/TARGETURL" }));
    const qrContent = (created.body as { redirectUrl: string }).redirectUrl;
    expect((await control("/payment-qr/scan", { qrContent, msisdn: "4700000001" })).status).toBe(409);
    await fetch(`${t.sim.url}/_sim/payments/kasse1-qrscan-02/decline`, { method: "POST" });
    expect((await control("/payment-qr/scan", { qrContent, msisdn: "4791234567" })).status).toBe(409);
  });
});
