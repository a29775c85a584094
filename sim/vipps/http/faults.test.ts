import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createBody, SimApi, startTestVippsSim, type TestVippsSim } from "../../../test/helpers/vipps-sim.js";

let t: TestVippsSim;
let api: SimApi;
beforeEach(async () => {
  t = await startTestVippsSim();
  api = new SimApi(t.sim.url, t.unit);
  await api.accessToken();
});
afterEach(async () => {
  await t.close();
});

const REF = "kasse1-fault-001";
const list = () => api.call("GET", "/qr/v1/merchant-callback");

describe("injected errors", () => {
  it.each([500, 503, 429, 423] as const)(
    "answers %i on the chosen endpoint only, in that API's error shape",
    async (status) => {
      t.sim.control.addFault({ endpoint: "epayment.create", status, retryAfterSeconds: 7 });
      const a = await api.call("POST", "/epayment/v1/payments", {
        body: createBody(t.unit, REF, { phoneNumber: "4791234567" }),
        idempotencyKey: "k",
      });
      expect(a.status).toBe(status);
      expect(a.headers.get("content-type")).toBe("application/problem+json");
      expect((a.body as { status: number }).status).toBe(status);
      expect(a.headers.get("retry-after")).toBe(status === 429 || status === 503 ? "7" : null);
      expect(t.sim.control.payments()).toEqual([]);
      expect((await list()).status).toBe(200);
    },
  );

  it("affects only `times` requests, then removes itself", async () => {
    const id = t.sim.control.addFault({ endpoint: "qr.callback.list", status: 503, times: 2 });
    expect((await list()).status).toBe(503);
    expect(t.sim.control.faults()).toMatchObject([{ id, hits: 1 }]);
    expect((await list()).status).toBe(503);
    expect((await list()).status).toBe(200);
    expect(t.sim.control.faults()).toEqual([]);
  });

  it("applies with the given probability (rate), using the injected random source", async () => {
    await t.close();
    const rolls = [0.1, 0.9, 0.49, 0.5];
    t = await startTestVippsSim({ random: () => rolls.shift() ?? 0.99 });
    api = new SimApi(t.sim.url, t.unit);
    await api.accessToken(); // no rule yet: no roll
    t.sim.control.addFault({ endpoint: "*", status: 500, rate: 0.5 });
    const statuses = [
      (await list()).status,
      (await list()).status,
      (await list()).status,
      (await list()).status,
    ];
    expect(statuses).toEqual([500, 200, 500, 200]);
  });

  it("can be removed and cleared", async () => {
    const id = t.sim.control.addFault({ endpoint: "*", status: 500 });
    t.sim.control.removeFault(id);
    expect((await list()).status).toBe(200);
    t.sim.control.addFault({ endpoint: "*", status: 500 });
    t.sim.control.clearFaults();
    expect((await list()).status).toBe(200);
    expect(() => t.sim.control.removeFault(id)).toThrow(/no such fault/);
  });

  it("refuses malformed rules", () => {
    expect(() => t.sim.control.addFault({ endpoint: "epayment.nope" as "*", status: 500 })).toThrow(
      /endpoint/,
    );
    expect(() => t.sim.control.addFault({ endpoint: "*", status: 404 as 500 })).toThrow(/status/);
    expect(() => t.sim.control.addFault({ endpoint: "*" })).toThrow(/needs latencyMs, status or drop/);
    expect(() => t.sim.control.addFault({ endpoint: "*", status: 500, drop: "before" })).toThrow(/exclusive/);
    expect(() => t.sim.control.addFault({ endpoint: "*", status: 500, rate: 2 })).toThrow(/probability/);
  });
});

describe("injected latency", () => {
  it("holds the answer until the simulator's clock has moved on", async () => {
    t.sim.control.addFault({ endpoint: "qr.callback.list", latencyMs: 2_000 });
    let settled = false;
    const pending = list().then((a) => {
      settled = true;
      return a;
    });
    await vi.waitFor(() => expect(t.clock.pending).toBeGreaterThan(0));
    t.clock.advance(1_999);
    expect(settled).toBe(false);
    t.clock.advance(1);
    expect((await pending).status).toBe(200);
  });
});

describe("dropped connections", () => {
  it("before processing: the request fails and nothing happened", async () => {
    t.sim.control.addFault({ endpoint: "epayment.create", drop: "before", times: 1 });
    const body = createBody(t.unit, REF, { phoneNumber: "4791234567" });
    await expect(api.call("POST", "/epayment/v1/payments", { body, idempotencyKey: "k" })).rejects.toThrow();
    expect(t.sim.control.payments()).toEqual([]);
    expect(t.sim.control.requests().at(-1)).toMatchObject({ endpoint: "epayment.create", status: "dropped" });
  });

  it("after processing: the operation happened, and a retry with the same key gets its answer without a second one", async () => {
    await api.call("POST", "/epayment/v1/payments", {
      body: createBody(t.unit, REF, { phoneNumber: "4791234567" }),
      idempotencyKey: "c",
    });
    t.sim.control.approvePayment(REF);
    t.sim.control.addFault({ endpoint: "epayment.capture", drop: "after", times: 1 });
    const capture = () =>
      api.call("POST", `/epayment/v1/payments/${REF}/capture`, {
        body: { modificationAmount: { currency: "NOK", value: 4900 } },
        idempotencyKey: "cap-1",
      });
    await expect(capture()).rejects.toThrow();
    expect(t.sim.control.payment(REF).captured).toBe(4900);
    const retry = await capture();
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ aggregate: { capturedAmount: { value: 4900 } } });
    expect(t.sim.control.payment(REF).events.filter((e) => e.name === "CAPTURED")).toHaveLength(1);
    const log = t.sim.control.requests().filter((r) => r.endpoint === "epayment.capture");
    expect(log.map((r) => [r.status, r.idempotencyKey, r.reference])).toEqual([
      ["dropped", "cap-1", REF],
      [200, "cap-1", REF],
    ]);
  });
});
