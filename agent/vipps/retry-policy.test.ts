import { describe, expect, it } from "vitest";
import {
  IDEMPOTENT,
  isConnectionRefused,
  isRetryable,
  LOGIN_POLL,
  LOGIN_START,
  NOT_IDEMPOTENT,
  retryDelay,
  type AttemptFailure,
} from "./retry-policy.js";

const status = (s: number): AttemptFailure => ({ kind: "status", status: s });
const cases: [string, AttemptFailure][] = [
  ["500", status(500)],
  ["503", status(503)],
  ["423", status(423)],
  ["429", status(429)],
  ["400", status(400)],
  ["409", status(409)],
  ["timeout", { kind: "timeout" }],
  ["dropped", { kind: "network", refused: false }],
  ["refused", { kind: "network", refused: true }],
];

describe("isRetryable", () => {
  it("follows the table for each kind of call", () => {
    const table = Object.fromEntries(
      cases.map(([name, f]) => [
        name,
        [IDEMPOTENT, NOT_IDEMPOTENT, LOGIN_START, LOGIN_POLL].map((m) => isRetryable(m, f)),
      ]),
    );
    expect(table).toEqual({
      //         idempotent, not idempotent, CIBA start, token poll
      "500": [true, false, false, true],
      "503": [true, false, false, true],
      "423": [true, true, true, true],
      "429": [true, true, false, false],
      "400": [false, false, false, false],
      "409": [false, false, false, false],
      timeout: [true, false, false, true],
      dropped: [true, false, false, true],
      refused: [true, true, true, true],
    });
  });
});

describe("retryDelay", () => {
  const policy = { baseMs: 500, maxMs: 10_000 };
  it("uses Retry-After as given, gives up beyond the cap, else jittered backoff", () => {
    expect(retryDelay(0, 7000, policy, 30_000, () => 0.5)).toEqual({ waitMs: 7000 });
    expect(retryDelay(0, 60_000, policy, 30_000, () => 0.5)).toEqual({ giveUp: true });
    expect([0, 1, 2, 5].map((a) => retryDelay(a, undefined, policy, 30_000, () => 0.5).waitMs)).toEqual([
      250, 500, 1000, 5000,
    ]);
  });
});

describe("isConnectionRefused", () => {
  it("finds the socket error code in the cause chain", () => {
    expect(
      isConnectionRefused(
        new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }),
      ),
    ).toBe(true);
    expect(
      isConnectionRefused(
        new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "UND_ERR_SOCKET" }) }),
      ),
    ).toBe(false);
    expect(isConnectionRefused("nope")).toBe(false);
  });
});
