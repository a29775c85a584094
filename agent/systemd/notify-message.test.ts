import { describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { notifyAssignments, sanitizeStatus, STATUS_MAX_CHARS, type NotifyMessage } from "./notify-message.js";

describe("notifyAssignments", () => {
  const cases: [NotifyMessage, string[]][] = [
    [{ kind: "ready" }, ["READY=1"]],
    [{ kind: "ready", status: "serving (printer offline)" }, ["READY=1", "STATUS=serving (printer offline)"]],
    [{ kind: "status", status: "reconciling 2 payments" }, ["STATUS=reconciling 2 payments"]],
    [{ kind: "status", status: "" }, ["STATUS="]],
    [{ kind: "watchdog" }, ["WATCHDOG=1"]],
    [{ kind: "stopping" }, ["STOPPING=1"]],
    [{ kind: "stopping", status: "SIGTERM" }, ["STOPPING=1", "STATUS=SIGTERM"]],
    [{ kind: "reloading", monotonicUsec: 123_456_789n }, ["RELOADING=1", "MONOTONIC_USEC=123456789"]],
    [
      { kind: "reloading", monotonicUsec: 5n, status: "reloading config" },
      ["RELOADING=1", "MONOTONIC_USEC=5", "STATUS=reloading config"],
    ],
    [{ kind: "extend-timeout", ms: 1 }, ["EXTEND_TIMEOUT_USEC=1000"]],
    [{ kind: "extend-timeout", ms: 90_000 }, ["EXTEND_TIMEOUT_USEC=90000000"]],
    [{ kind: "extend-timeout", ms: 3_600_000 }, ["EXTEND_TIMEOUT_USEC=3600000000"]],
  ];
  it.each(cases.map(([message, expected]) => [expected.join(" "), message, expected] as const))(
    "%s",
    (_name, message, expected) => {
      expect(notifyAssignments(message)).toEqual(expected);
    },
  );

  it.each([0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 3_600_001])(
    "refuses a timeout extension of %s ms",
    (ms) => {
      let thrown: unknown;
      try {
        notifyAssignments({ kind: "extend-timeout", ms });
      } catch (error) {
        thrown = error;
      }
      expect(isAgentError(thrown, "SYSTEMD_BAD_MESSAGE")).toBe(true);
    },
  );

  it("refuses a negative MONOTONIC_USEC", () => {
    expect(() => notifyAssignments({ kind: "reloading", monotonicUsec: -1n })).toThrow(/MONOTONIC_USEC/);
  });
});

describe("sanitizeStatus", () => {
  it("keeps a status on one line, so a status text cannot forge another assignment", () => {
    expect(sanitizeStatus("paid\nREADY=1")).toBe("paid READY=1");
    expect(notifyAssignments({ kind: "status", status: "a\r\nWATCHDOG=1\u0000b" })).toEqual([
      "STATUS=a WATCHDOG=1 b",
    ]);
  });

  it("collapses runs of spaces and trims", () => {
    expect(sanitizeStatus("  serving \t\t degraded  ")).toBe("serving degraded");
  });

  it("leaves non-ASCII text alone", () => {
    expect(sanitizeStatus("Kasse 1: betalt 129,50 kr — skriver ut kvittering")).toBe(
      "Kasse 1: betalt 129,50 kr — skriver ut kvittering",
    );
  });

  it(`cuts a long status to ${STATUS_MAX_CHARS} characters with an ellipsis`, () => {
    const out = sanitizeStatus("x".repeat(500));
    expect(out).toHaveLength(STATUS_MAX_CHARS);
    expect(out.endsWith("…")).toBe(true);
    expect(sanitizeStatus("y".repeat(STATUS_MAX_CHARS))).toBe("y".repeat(STATUS_MAX_CHARS));
  });
});
