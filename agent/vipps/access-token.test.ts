import { afterEach, describe, expect, it, vi } from "vitest";
import * as ex from "../../test/contract/examples.js";
import {
  nok,
  SECRETS,
  startHarness,
  TOKEN,
  tokenReply,
  type Harness,
} from "../../test/helpers/vipps-client-harness.js";
import { isVippsError } from "./index.js";

const PAYMENT = `/epayment/v1/payments/${ex.EXAMPLE_REFERENCE}`;
let h: Harness;

afterEach(async () => {
  expect(h.contractProblems()).toEqual([]);
  await h.close();
});

const tokenCalls = (): number => h.server.requestsTo("POST", "/accesstoken/get").length;
const bearerOf = (i: number): string | undefined =>
  h.server.requestsTo("GET", PAYMENT)[i]?.headers.authorization;

describe("access token", () => {
  it("is fetched with the credentials in headers and an empty body, then cached", async () => {
    h = await startHarness();
    h.server
      .on("POST", "/accesstoken/get", tokenReply())
      .on("GET", PAYMENT, { status: 200, json: ex.paymentBody() });
    await h.client.epayment.get(ex.EXAMPLE_REFERENCE);
    await h.client.epayment.get(ex.EXAMPLE_REFERENCE);
    expect(tokenCalls()).toBe(1);
    const request = h.server.requestsTo("POST", "/accesstoken/get")[0];
    expect(request?.headers).toMatchObject({
      client_id: SECRETS.clientId,
      client_secret: SECRETS.clientSecret,
      "ocp-apim-subscription-key": SECRETS.subscriptionKey,
      "merchant-serial-number": ex.EXAMPLE_MSN,
      "content-length": "0",
    });
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body.length).toBe(0);
    expect(bearerOf(1)).toBe(`Bearer ${TOKEN}`);
  });

  it("is refreshed a margin before expiry, computed from local receipt time (not expires_on)", async () => {
    h = await startHarness({ tokenRefreshMarginMs: 300_000 });
    // expires_on in the fixture is years in the past: if it were used, every call would refresh.
    h.server
      .on("POST", "/accesstoken/get", tokenReply("tok-1", 3600), tokenReply("tok-2", 3600))
      .on("GET", PAYMENT, { status: 200, json: ex.paymentBody() });
    await h.client.epayment.get(ex.EXAMPLE_REFERENCE);
    h.clock.advance(3_300_000 - 1);
    await h.client.epayment.get(ex.EXAMPLE_REFERENCE);
    expect(tokenCalls()).toBe(1);
    h.clock.advance(1);
    await h.client.epayment.get(ex.EXAMPLE_REFERENCE);
    expect(tokenCalls()).toBe(2);
    expect(bearerOf(2)).toBe("Bearer tok-2");
  });

  it("refreshes a short-lived token at half its lifetime, not on every call", async () => {
    h = await startHarness({ tokenRefreshMarginMs: 300_000 });
    h.server
      .on("POST", "/accesstoken/get", tokenReply("tok-1", 60), tokenReply("tok-2", 60))
      .on("GET", PAYMENT, { status: 200, json: ex.paymentBody() });
    await h.client.epayment.get(ex.EXAMPLE_REFERENCE);
    h.clock.advance(29_999);
    await h.client.epayment.get(ex.EXAMPLE_REFERENCE);
    expect(tokenCalls()).toBe(1);
    h.clock.advance(1);
    await h.client.epayment.get(ex.EXAMPLE_REFERENCE);
    expect(tokenCalls()).toBe(2);
  });

  it("keeps using the current token when a refresh fails before it actually expires", async () => {
    h = await startHarness({ tokenRefreshMarginMs: 300_000, maxRetries: 0 });
    h.server
      .on("POST", "/accesstoken/get", tokenReply("tok-1", 3600), { status: 500, json: {} })
      .on("GET", PAYMENT, { status: 200, json: ex.paymentBody() });
    await h.client.epayment.get(ex.EXAMPLE_REFERENCE);
    h.clock.advance(3_400_000);
    await h.client.epayment.get(ex.EXAMPLE_REFERENCE);
    expect(bearerOf(1)).toBe("Bearer tok-1");
    h.clock.advance(200_000);
    const error: unknown = await h.client.epayment.get(ex.EXAMPLE_REFERENCE).catch((e: unknown) => e);
    expect(isVippsError(error, "VIPPS_SERVER_ERROR")).toBe(true);
    expect((error as { operation: string }).operation).toBe("accesstoken.get");
    expect(h.server.requestsTo("GET", PAYMENT)).toHaveLength(2);
  });

  it("shares one in-flight refresh between concurrent callers", async () => {
    h = await startHarness();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.server.on("POST", "/accesstoken/get", async () => {
      await gate;
      return tokenReply();
    });
    h.server.on("GET", PAYMENT, { status: 200, json: ex.paymentBody() });
    const calls = Array.from({ length: 5 }, () => h.client.epayment.get(ex.EXAMPLE_REFERENCE));
    await vi.waitFor(() => expect(tokenCalls()).toBe(1));
    release();
    await Promise.all(calls);
    expect(tokenCalls()).toBe(1);
    expect(h.server.requestsTo("GET", PAYMENT)).toHaveLength(5);
  });

  it("on a 401, refreshes once and retries once with the same Idempotency-Key and body", async () => {
    h = await startHarness();
    const capture = `${PAYMENT}/capture`;
    h.server.on("POST", "/accesstoken/get", tokenReply("tok-old"), tokenReply("tok-new"));
    h.server.on(
      "POST",
      capture,
      { status: 401, json: ex.problemBody(401) },
      { status: 200, json: ex.modificationBody(4900) },
    );
    const result = await h.client.epayment.capture(ex.EXAMPLE_REFERENCE, nok(4900), "kasse1-42-capture-1");
    expect(result.aggregate.capturedAmount.value).toBe(4900);
    const attempts = h.server.requestsTo("POST", capture);
    expect(attempts.map((r) => r.headers.authorization)).toEqual(["Bearer tok-old", "Bearer tok-new"]);
    expect(attempts.map((r) => r.headers["idempotency-key"])).toEqual([
      "kasse1-42-capture-1",
      "kasse1-42-capture-1",
    ]);
    expect(attempts[0]?.text).toBe(attempts[1]?.text);
    expect(tokenCalls()).toBe(2);
  });

  it("gives up with VIPPS_UNAUTHORIZED when the fresh token is refused too", async () => {
    h = await startHarness();
    h.server.on("POST", "/accesstoken/get", tokenReply("tok-1"), tokenReply("tok-2"), tokenReply("tok-3"));
    h.server.on("GET", PAYMENT, { status: 401, json: ex.problemBody(401, undefined, "Unauthorized") });
    const error: unknown = await h.client.epayment.get(ex.EXAMPLE_REFERENCE).catch((e: unknown) => e);
    expect(isVippsError(error, "VIPPS_UNAUTHORIZED")).toBe(true);
    expect(h.server.requestsTo("GET", PAYMENT)).toHaveLength(2);
    expect(tokenCalls()).toBe(2);
  });

  it("refreshes once for several callers refused with the same token", async () => {
    h = await startHarness();
    h.server.on("POST", "/accesstoken/get", tokenReply("tok-old"), tokenReply("tok-new"));
    h.server.on("GET", PAYMENT, (r) =>
      r.headers.authorization === "Bearer tok-old"
        ? { status: 401, json: ex.problemBody(401) }
        : { status: 200, json: ex.paymentBody() },
    );
    await Promise.all([
      h.client.epayment.get(ex.EXAMPLE_REFERENCE),
      h.client.epayment.get(ex.EXAMPLE_REFERENCE),
      h.client.epayment.get(ex.EXAMPLE_REFERENCE),
    ]);
    expect(tokenCalls()).toBe(2);
  });

  it("reports bad credentials without retrying, and a malformed token answer as VIPPS_BAD_RESPONSE", async () => {
    h = await startHarness();
    h.server.on("POST", "/accesstoken/get", {
      status: 401,
      json: { error: "invalid_client", error_description: "bad credentials", trace_id: "t-1" },
    });
    const denied: unknown = await h.client.verifyCredentials().catch((e: unknown) => e);
    expect(isVippsError(denied, "VIPPS_UNAUTHORIZED")).toBe(true);
    expect((denied as { traceId: string }).traceId).toBe("t-1");
    expect(tokenCalls()).toBe(1);
    h.server.on("POST", "/accesstoken/get", {
      status: 200,
      json: { ...ex.accessTokenBody(), expires_in: "soon" },
    });
    const malformed: unknown = await h.client.verifyCredentials().catch((e: unknown) => e);
    expect(isVippsError(malformed, "VIPPS_BAD_RESPONSE")).toBe(true);
    expect((malformed as Error).message).toContain("expires_in");
  });
});
