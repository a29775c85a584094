import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createBody,
  SimApi,
  startTestVippsSim,
  type ApiAnswer,
  type TestVippsSim,
} from "../../../test/helpers/vipps-sim.js";
import { ageAt } from "./age-limit.js";

/**
 * `minimumUserAge` as Vipps documents it
 * (https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/features/minimum-user-age/):
 * PUSH_MESSAGE to a customer below the age is refused with the same answer as a user who cannot
 * pay businesses; in the other flows the customer cannot approve and the payment expires.
 * The simulator's clock starts on 5 January 2026.
 */
const TEEN = "4790000017"; // 17 until 6 January 2026
const ADULT = "4790000018"; // 18 since 5 January 2026
const UNKNOWN = "4700000001";

let t: TestVippsSim;
let api: SimApi;
let key = 0;
beforeEach(async () => {
  t = await startTestVippsSim({
    customers: {
      [TEEN]: { profile: { birthdate: "2008-01-06" } },
      [ADULT]: { profile: { birthdate: "2008-01-05" } },
      [UNKNOWN]: { status: "unknown" },
    },
  });
  api = new SimApi(t.sim.url, t.unit);
  await api.call("PUT", "/qr/v1/merchant-callback/kasse1", { body: { locationDescription: "Kasse 1" } });
});
afterEach(async () => {
  await t.close();
});

const create = (body: unknown): Promise<ApiAnswer> =>
  api.call("POST", "/epayment/v1/payments", { body, idempotencyKey: `key-${++key}` });
const detailOf = (a: ApiAnswer): unknown => {
  const b = a.body as { detail?: string; extraDetails?: { name: string; reason: string }[] };
  return { detail: b.detail, code: b.extraDetails?.find((d) => d.name === "ErrorCode")?.reason };
};

describe("minimumUserAge", () => {
  it("counts whole years up to the birthday", () => {
    expect(ageAt("2008-01-06", Date.UTC(2026, 0, 5))).toBe(17);
    expect(ageAt("2008-01-06", Date.UTC(2026, 0, 6))).toBe(18);
    expect(ageAt("2008-02-29", Date.UTC(2026, 1, 28))).toBe(17);
  });

  it("PUSH_MESSAGE: a customer below the age gets no push and the create is refused like an unknown user", async () => {
    const { customerToken } = t.sim.control.scan({ msisdn: TEEN, msn: t.unit.msn, merchantQrId: "kasse1" });
    const young = await create({
      ...createBody(t.unit, "kasse1-age-01", { customerToken }),
      minimumUserAge: 18,
    });
    const unknown = await create(createBody(t.unit, "kasse1-age-02", { phoneNumber: UNKNOWN }));
    expect(young.status).toBe(400);
    expect(detailOf(young)).toEqual({ detail: expect.any(String) as unknown, code: "7010" });
    // Nothing tells the merchant it was the age: the same code and text as a number without a user.
    expect(detailOf(young)).toEqual(detailOf(unknown));
    expect(t.sim.control.payments()).toEqual([]);
  });

  it("PUSH_MESSAGE: a customer of the age is pushed the request as usual; no age, no check", async () => {
    const adult = await create({
      ...createBody(t.unit, "kasse1-age-03", { phoneNumber: ADULT }),
      minimumUserAge: 18,
    });
    expect(adult.status).toBe(201);
    const noLimit = await create(createBody(t.unit, "kasse1-age-04", { phoneNumber: TEEN }));
    expect(noLimit.status).toBe(201);
  });

  it("refuses a minimumUserAge that is not a whole number of years", async () => {
    const a = await create({
      ...createBody(t.unit, "kasse1-age-05", { phoneNumber: ADULT }),
      minimumUserAge: 17.5,
    });
    expect(a.status).toBe(400);
    expect((a.body as { extraDetails: { name: string }[] }).extraDetails.map((d) => d.name)).toContain(
      "minimumUserAge",
    );
  });

  it("other flows: the app opens but a customer below the age cannot approve; the payment stays CREATED", async () => {
    t.sim.control.setCustomer(TEEN, { payment: { action: "approve", afterMs: 1_000 } });
    const body = {
      ...createBody(t.unit, "kasse1-age-06", { phoneNumber: TEEN }),
      userFlow: "WEB_REDIRECT",
      returnUrl: "https://example.com/back",
      minimumUserAge: 18,
    };
    expect((await create(body)).status).toBe(201);
    t.clock.advance(5_000);
    expect(t.sim.control.payment("kasse1-age-06").state).toBe("CREATED");
    expect(() => t.sim.control.approvePayment("kasse1-age-06")).toThrow(/minimumUserAge/);
  });
});
