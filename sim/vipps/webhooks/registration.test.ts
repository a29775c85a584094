import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SimApi, startTestVippsSim, type TestVippsSim } from "../../../test/helpers/vipps-sim.js";

let t: TestVippsSim;
let api: SimApi;
beforeEach(async () => {
  t = await startTestVippsSim();
  api = new SimApi(t.sim.url, t.unit);
});
afterEach(async () => {
  await t.close();
});

const base = "/webhooks/v1/webhooks";
const register = (url: string, events: unknown = ["epayments.payment.authorized.v1"], sim = api) =>
  sim.call("POST", base, { body: { url, events } });

describe("webhook registration", () => {
  it("returns 201 with an id and the secret, which the list never shows", async () => {
    const a = await register("https://example.com/hooks", [
      "user.checked-in.v1",
      "epayments.payment.captured.v1",
    ]);
    expect(a.status).toBe(201);
    const { id, secret } = a.body as { id: string; secret: string };
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const list = await api.call("GET", base);
    expect(list.body).toEqual({
      webhooks: [
        {
          id,
          url: "https://example.com/hooks",
          events: ["user.checked-in.v1", "epayments.payment.captured.v1"],
        },
      ],
    });
    expect(list.text).not.toContain(secret);
  });

  it("lists only the registrations of the token's sales unit", async () => {
    await register("https://example.com/no");
    const dk = new SimApi(t.sim.url, t.sim.salesUnits[1] ?? t.unit);
    expect((await dk.call("GET", base)).body).toEqual({ webhooks: [] });
  });

  it("deletes with 204, then 404; refuses an id that is not a UUID", async () => {
    const { id } = (await register("https://example.com/hooks")).body as { id: string };
    const dk = new SimApi(t.sim.url, t.sim.salesUnits[1] ?? t.unit);
    expect((await dk.call("DELETE", `${base}/${id}`)).status).toBe(404);
    expect((await api.call("DELETE", `${base}/${id}`)).status).toBe(204);
    expect((await api.call("DELETE", `${base}/${id}`)).status).toBe(404);
    expect((await api.call("DELETE", `${base}/not-a-uuid`)).status).toBe(400);
    expect((await api.call("GET", base)).body).toEqual({ webhooks: [] });
  });

  it.each([
    "https://example.com/x",
    "https://10.0.0.1:8443/x",
    "http://127.0.0.1:8080/x",
    "http://127.3.4.5/x",
    "http://localhost:9/x",
    "http://[::1]:9/x",
  ])("accepts %s", async (url) => {
    expect((await register(url)).status).toBe(201);
  });

  it.each([
    "http://example.com/x",
    "http://10.0.0.1/x",
    "http://128.0.0.1/x",
    "http://127.0.0.1.example.com/x",
    "ftp://example.com/x",
    "not a url",
    "https://user:pw@example.com/x",
    "",
  ])("refuses %s with the url named", async (url) => {
    const a = await register(url);
    expect(a.status).toBe(400);
    expect(a.headers.get("content-type")).toBe("application/problem+json");
    expect((a.body as { extraDetails: { name: string }[] }).extraDetails[0]?.name).toBe("url");
  });

  it.each([[[]], [["no.such.event.v1"]], ["user.checked-in.v1"], [null]])(
    "refuses events %j",
    async (events) => {
      const a = await register("https://example.com/x", events);
      expect(a.status).toBe(400);
      expect((a.body as { extraDetails: { name: string }[] }).extraDetails[0]?.name).toBe("events");
    },
  );

  it("allows one user.checked-in.v1 registration per MSN", async () => {
    expect((await register("https://example.com/a", ["user.checked-in.v1"])).status).toBe(201);
    const second = await register("https://example.com/b", [
      "user.checked-in.v1",
      "epayments.payment.created.v1",
    ]);
    expect(second.status).toBe(400);
    expect((await api.call("GET", base)).body).toMatchObject({
      webhooks: [{ url: "https://example.com/a" }],
    });
    const dk = new SimApi(t.sim.url, t.sim.salesUnits[1] ?? t.unit);
    expect((await register("https://example.com/b", ["user.checked-in.v1"], dk)).status).toBe(201);
  });

  it("allows a check-in registration again after deleting the old one", async () => {
    const { id } = (await register("https://example.com/a", ["user.checked-in.v1"])).body as { id: string };
    await api.call("DELETE", `${base}/${id}`);
    expect((await register("https://example.com/b", ["user.checked-in.v1"])).status).toBe(201);
  });

  it("allows 25 registrations per ePayment event type, not 26", async () => {
    for (let i = 0; i < 25; i++)
      expect((await register(`https://example.com/${i}`, ["epayments.payment.captured.v1"])).status).toBe(
        201,
      );
    expect((await register("https://example.com/26", ["epayments.payment.captured.v1"])).status).toBe(400);
    expect((await register("https://example.com/26", ["epayments.payment.refunded.v1"])).status).toBe(201);
  });
});
