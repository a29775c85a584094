import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as ex from "../../test/contract/examples.js";
import { nok, startHarness, tokenReply, type Harness } from "../../test/helpers/vipps-client-harness.js";
import { isVippsError, type VippsError } from "./index.js";

const REF = ex.EXAMPLE_REFERENCE;
const CAPTURE = `/epayment/v1/payments/${REF}/capture`;
const KEY = "kasse1-42-capture-1";
let h: Harness;

afterEach(async () => {
  expect(h.contractProblems()).toEqual([]);
  await h.close();
});

const failureOf = (promise: Promise<unknown>): Promise<VippsError> =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as VippsError,
  );

function expectSameRequestEachTime(count: number): void {
  const attempts = h.server.requestsTo("POST", CAPTURE);
  expect(attempts).toHaveLength(count);
  for (const attempt of attempts) {
    expect(attempt.headers["idempotency-key"]).toBe(KEY);
    expect(JSON.parse(attempt.text)).toEqual({ modificationAmount: { currency: "NOK", value: 4900 } });
  }
}

describe("retry policy", () => {
  it("retries 500, 503 and 423 with backoff on the injected clock, same key and body every time", async () => {
    h = await startHarness({ maxRetries: 3, backoff: { baseMs: 1000, maxMs: 8000 } });
    h.server.on("POST", "/accesstoken/get", tokenReply());
    h.server.on(
      "POST",
      CAPTURE,
      { status: 500, json: ex.problemBody(500) },
      { status: 503 },
      { status: 423, json: ex.problemBody(423) },
      { status: 200, json: ex.modificationBody(4900) },
    );
    const done = h.client.epayment.capture(REF, nok(4900), KEY);
    // random() = 0.5: waits are half the ceilings 1000, 2000, 4000.
    for (const [wait, seen] of [
      [500, 1],
      [1000, 2],
      [2000, 3],
    ] as const) {
      await vi.waitFor(() => expect(h.waitingToRetry()).toBe(true));
      expect(h.clock.pending).toBe(1);
      expect(h.server.requestsTo("POST", CAPTURE)).toHaveLength(seen);
      h.clock.advance(wait - 1);
      expect(h.clock.pending).toBe(1);
      h.clock.advance(1);
      expect(h.clock.pending).toBe(0);
    }
    expect((await done).aggregate.capturedAmount.value).toBe(4900);
    expectSameRequestEachTime(4);
    expect(h.logText()).toContain("vipps call retrying");
  });

  it("honours Retry-After on 429 exactly, on the injected clock", async () => {
    h = await startHarness();
    h.server.on("POST", "/accesstoken/get", tokenReply());
    h.server.on(
      "POST",
      CAPTURE,
      { status: 429, headers: { "retry-after": "7" }, json: ex.problemBody(429) },
      { status: 200, json: ex.modificationBody(4900) },
    );
    const done = h.client.epayment.capture(REF, nok(4900), KEY);
    await vi.waitFor(() => expect(h.waitingToRetry()).toBe(true));
    expect(h.clock.pending).toBe(1);
    h.clock.advance(6_999);
    expect(h.clock.pending).toBe(1);
    h.clock.advance(1);
    expect(h.clock.pending).toBe(0);
    await done;
    expectSameRequestEachTime(2);
  });

  it("does not wait for a Retry-After beyond maxRetryAfterMs, and says how long Vipps asked for", async () => {
    h = await startHarness({ maxRetryAfterMs: 10_000 });
    h.server.on("POST", "/accesstoken/get", tokenReply());
    h.server.on("POST", CAPTURE, {
      status: 429,
      headers: { "retry-after": "120" },
      json: ex.problemBody(429),
    });
    const error = await failureOf(h.client.epayment.capture(REF, nok(4900), KEY));
    expect(error.code).toBe("VIPPS_RATE_LIMITED");
    expect(error.retryAfterMs).toBe(120_000);
    expectSameRequestEachTime(1);
  });

  it("retries a dropped connection and a timed-out attempt with the same key", async () => {
    h = await startHarness({ timeoutMs: 5_000 });
    h.server.on("POST", "/accesstoken/get", tokenReply());
    await h.client.verifyCredentials();
    h.server.on(
      "POST",
      CAPTURE,
      { drop: true },
      { hang: true },
      { status: 200, json: ex.modificationBody(4900) },
    );
    const done = h.client.epayment.capture(REF, nok(4900), KEY);
    await h.advanceWhenWaiting(10_000);
    // The hung attempt ends when the clock passes its timeout, not a moment before.
    await h.expireAttempt("POST", CAPTURE, 2, 5_000);
    await h.advanceWhenWaiting(10_000);
    await done;
    expectSameRequestEachTime(3);
    expect(h.logText()).toContain('"failure":"timeout"');
  });

  it("gives up after maxRetries with the last failure's code and the attempt count", async () => {
    h = await startHarness({ maxRetries: 2, timeoutMs: 5_000 });
    h.server.on("POST", "/accesstoken/get", tokenReply());
    await h.client.verifyCredentials();
    h.server.on("POST", CAPTURE, { status: 503, json: ex.problemBody(503) });
    const pending = failureOf(h.client.epayment.capture(REF, nok(4900), KEY));
    await h.advanceWhenWaiting(10_000);
    await h.advanceWhenWaiting(10_000);
    const error = await pending;
    expect(error.code).toBe("VIPPS_SERVER_ERROR");
    expect(error.attempts).toBe(3);
    expectSameRequestEachTime(3);

    h.server.on("POST", CAPTURE, { hang: true });
    const timedOut = failureOf(h.client.epayment.capture(REF, nok(4900), KEY));
    // Each attempt has its own timeout: three attempts, three timeouts, two sleeps between.
    await h.expireAttempt("POST", CAPTURE, 4, 5_000);
    await h.advanceWhenWaiting(10_000);
    await h.expireAttempt("POST", CAPTURE, 5, 5_000);
    await h.advanceWhenWaiting(10_000);
    await h.expireAttempt("POST", CAPTURE, 6, 5_000);
    const timeout = await timedOut;
    expect(timeout.attempts).toBe(3);
    expect(timeout.code).toBe("VIPPS_TIMEOUT");
    expect(timeout.message).toContain("outcome is unknown");
    expectSameRequestEachTime(6);
  });

  it.each([
    [400, "VIPPS_BAD_REQUEST"],
    [403, "VIPPS_FORBIDDEN"],
    [404, "VIPPS_NOT_FOUND"],
    [409, "VIPPS_CONFLICT"],
  ] as const)("does not retry %i", async (status, code) => {
    h = await startHarness();
    h.server.on("POST", "/accesstoken/get", tokenReply());
    h.server.on("POST", CAPTURE, {
      status,
      headers: { "content-type": "application/problem+json" },
      json: ex.problemBody(status, "4010"),
    });
    const error = await failureOf(h.client.epayment.capture(REF, nok(4900), KEY));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.vippsCode).toBe("4010");
    expectSameRequestEachTime(1);
  });

  it("does not retry a webhook registration whose outcome is unknown, but does retry 429", async () => {
    h = await startHarness();
    h.server.on("POST", "/accesstoken/get", tokenReply());
    h.server.on("POST", "/webhooks/v1/webhooks", { status: 500 });
    const request = { url: "https://bridge.example.com/vipps", events: ["user.checked-in.v1"] };
    expect((await failureOf(h.client.webhooks.register(request))).code).toBe("VIPPS_SERVER_ERROR");
    expect(h.server.requestsTo("POST", "/webhooks/v1/webhooks")).toHaveLength(1);
    h.server.on(
      "POST",
      "/webhooks/v1/webhooks",
      { status: 429, headers: { "retry-after": "1" } },
      { status: 201, json: ex.webhookRegistrationBody() },
    );
    const registered = h.client.webhooks.register(request);
    await h.advanceWhenWaiting(1_000);
    expect((await registered).id).toBe(ex.webhookRegistrationBody().id);
    expect(h.server.requestsTo("POST", "/webhooks/v1/webhooks")).toHaveLength(3);
  });

  it("retries a refused connection, then reports VIPPS_NETWORK", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    h = await startHarness({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 2 });
    const pending = failureOf(h.client.verifyCredentials());
    await h.advanceWhenWaiting(10_000);
    await h.advanceWhenWaiting(10_000);
    const error = await pending;
    expect(error.code).toBe("VIPPS_NETWORK");
    expect(error.attempts).toBe(3);
    expect(error.message).toContain("refused");
  });

  it("stops waiting and fails with VIPPS_ABORTED when the client's signal aborts", async () => {
    const controller = new AbortController();
    h = await startHarness({ signal: controller.signal });
    h.server.on("POST", "/accesstoken/get", tokenReply());
    h.server.on("POST", CAPTURE, { status: 503 });
    const pending = failureOf(h.client.epayment.capture(REF, nok(4900), KEY));
    await vi.waitFor(() => expect(h.waitingToRetry()).toBe(true));
    expect(h.clock.pending).toBe(1);
    controller.abort();
    expect((await pending).code).toBe("VIPPS_ABORTED");
    expect(h.clock.pending).toBe(0);
    expectSameRequestEachTime(1);
  });

  it("aborts an attempt in flight when the client's signal aborts", async () => {
    const controller = new AbortController();
    h = await startHarness({ signal: controller.signal, timeoutMs: 60_000 });
    h.server.on("POST", "/accesstoken/get", tokenReply());
    h.server.on("POST", CAPTURE, { hang: true });
    const pending = failureOf(h.client.epayment.capture(REF, nok(4900), KEY));
    await vi.waitFor(() => expect(h.server.requestsTo("POST", CAPTURE)).toHaveLength(1));
    expect(h.attemptsInFlight()).toBe(1);
    controller.abort();
    expect((await pending).code).toBe("VIPPS_ABORTED");
    // The aborted attempt's timeout went with it: nothing is left to fire later.
    expect(h.clock.pending).toBe(0);
    expect((await failureOf(h.client.epayment.get(REF))).code).toBe("VIPPS_ABORTED");
  });

  it("does not follow redirects (client credentials must not travel elsewhere)", async () => {
    h = await startHarness();
    h.server.on("POST", "/accesstoken/get", { status: 307, headers: { location: "/elsewhere" } });
    const error: unknown = await h.client.verifyCredentials().catch((e: unknown) => e);
    expect(isVippsError(error, "VIPPS_HTTP_ERROR")).toBe(true);
    expect(h.server.requests.map((r) => r.pathname)).toEqual(["/accesstoken/get"]);
  });
});
