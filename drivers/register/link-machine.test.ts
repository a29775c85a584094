import { describe, expect, it } from "vitest";
import { Harness, line, registerHello, sale } from "../../test/helpers/link-machine-harness.js";
import { MAX_SEQ } from "./protocol.js";

describe("link machine: sending", () => {
  it("refuses to send unless up", () => {
    const h = new Harness();
    h.feed({ type: "start" }, { type: "send", id: 1, message: sale });
    expect(h.effects).toEqual([
      { type: "fail", id: 1, code: "REGISTER_DOWN", message: "the register link is opening" },
    ]);
  });

  it("sends one frame at a time, in order, with increasing seq", () => {
    const h = new Harness().up();
    h.feed(
      { type: "send", id: 1, message: sale },
      { type: "send", id: 2, message: { ...sale, saleId: "S-2" } },
    );
    expect(h.writes()).toEqual([{ v: 1, seq: 2, ...sale }]);
    h.feed(line({ v: 1, type: "ack", ack: 2 }));
    expect(h.has("settle", { id: 1, result: { acked: true } })).toBe(true);
    expect(h.writes()).toEqual([{ v: 1, seq: 3, ...sale, saleId: "S-2" }]);
  });

  it("resolves a refusing ack as refused and does not retransmit it", () => {
    const h = new Harness().up();
    h.feed(
      { type: "send", id: 1, message: sale },
      line({ v: 1, type: "ack", ack: 2, error: { code: "UNKNOWN_SALE", message: "no S-1" } }),
    );
    expect(h.has("settle", { id: 1, result: { refused: { code: "UNKNOWN_SALE", message: "no S-1" } } })).toBe(
      true,
    );
    h.feed({ type: "timeout", timer: "ack" });
    expect(h.writes()).toEqual([]);
  });

  it("retransmits the same seq on ack timeout up to maxRetransmits, then is unreachable", () => {
    const h = new Harness().up();
    h.feed(
      { type: "send", id: 1, message: sale },
      { type: "send", id: 2, message: sale },
      { type: "written", seq: 2, attempt: 1 },
    );
    for (let attempt = 2; attempt <= 4; attempt++) {
      h.feed({ type: "timeout", timer: "ack" });
      expect(h.writes()).toEqual([{ v: 1, seq: 2, ...sale }]);
      expect(h.has("write", { track: { seq: 2, attempt } })).toBe(true);
      h.feed({ type: "written", seq: 2, attempt });
      expect(h.has("setTimer", { timer: "ack", ms: 1000 })).toBe(true);
    }
    expect(h.state.counters.retransmits).toBe(3);
    h.feed({ type: "timeout", timer: "ack" });
    expect(h.writes()).toEqual([]);
    expect(h.has("fail", { id: 1, code: "REGISTER_UNREACHABLE" })).toBe(true);
    expect(h.has("fail", { id: 2, code: "REGISTER_DOWN" })).toBe(true);
    expect(h.has("reopen")).toBe(true);
    expect(h.reported).toBe("unreachable");
    // It stays "unreachable" (out of service) through the reopen until a hello exchange works.
    h.feed({ type: "opened" });
    expect(h.reported).toBe("unreachable");
    h.feed(line({ v: 1, type: "ack", ack: 1 }), line({ v: 1, seq: 1, ...registerHello }));
    expect(h.reported).toBe("up");
  });

  it("ignores a stale written report (the ack timer runs from the latest transmission)", () => {
    const h = new Harness().up();
    h.feed(
      { type: "send", id: 1, message: sale },
      { type: "timeout", timer: "ack" },
      { type: "written", seq: 2, attempt: 1 },
    );
    expect(h.has("setTimer", { timer: "ack" })).toBe(false);
  });

  it("retransmits at once on a nak for its frame or for an unknown seq, not for another seq", () => {
    const h = new Harness().up();
    h.feed({ type: "send", id: 1, message: sale });
    h.feed(line({ v: 1, type: "nak", ack: 2, code: "BAD_CRC" }));
    expect(h.writes()).toEqual([{ v: 1, seq: 2, ...sale }]);
    h.feed(line({ v: 1, type: "nak", ack: null, code: "BAD_FRAME" }));
    expect(h.writes()).toEqual([{ v: 1, seq: 2, ...sale }]);
    h.feed(line({ v: 1, type: "nak", ack: 9, code: "BAD_CRC" }));
    expect(h.writes()).toEqual([]);
  });

  it("wraps seq from 2147483647 to 1", () => {
    const h = new Harness().up();
    h.state = { ...h.state, txSeq: MAX_SEQ - 1 };
    h.feed({ type: "send", id: 1, message: sale });
    expect(h.writes()).toEqual([{ v: 1, seq: MAX_SEQ, ...sale }]);
    h.feed(line({ v: 1, type: "ack", ack: MAX_SEQ }), { type: "send", id: 2, message: sale });
    expect(h.writes()).toEqual([{ v: 1, seq: 1, ...sale }]);
  });

  it("pings after heartbeat silence when idle, and re-arms while a frame is in flight", () => {
    const h = new Harness().up();
    h.feed({ type: "timeout", timer: "heartbeat" });
    expect(h.writes()).toEqual([{ v: 1, seq: 2, type: "ping" }]);
    h.feed(line({ v: 1, type: "ack", ack: 2 }));
    expect(h.has("setTimer", { timer: "heartbeat", ms: 5000 })).toBe(true);
    h.feed({ type: "send", id: 1, message: sale }, { type: "timeout", timer: "heartbeat" });
    expect(h.writes()).toEqual([{ v: 1, seq: 3, ...sale }]);
    expect(h.has("setTimer", { timer: "heartbeat", ms: 5000 })).toBe(true);
  });

  it("drops everything and reopens nothing when the device closes; stop closes", () => {
    const h = new Harness().up();
    h.feed({ type: "send", id: 1, message: sale }, { type: "closed", reason: "EIO" });
    expect(h.has("fail", { id: 1, code: "REGISTER_DOWN" })).toBe(true);
    expect(h.has("reopen")).toBe(false);
    expect(h.reported).toBe("opening");
    h.feed({ type: "stop" });
    expect(h.reported).toBe("closed");
  });
});
