import { describe, expect, it } from "vitest";
import { basket, Harness, line, registerHello } from "../../test/helpers/link-machine-harness.js";

describe("link machine: receiving", () => {
  it("delivers a valid frame, acks with the handler's answer, and re-acks a duplicate the same way without delivering", () => {
    const h = new Harness().up();
    h.feed(line({ v: 1, seq: 2, ...basket }));
    expect(h.effects.filter((e) => e.type === "deliver")).toEqual([
      { type: "deliver", seq: 2, message: basket },
    ]);
    expect(h.writes()).toEqual([]);
    h.feed(line({ v: 1, seq: 2, ...basket }));
    expect(h.effects.filter((e) => e.type === "deliver" || e.type === "write")).toEqual([]);
    h.feed({ type: "delivered", seq: 2, acceptance: { ok: true } });
    expect(h.writes()).toEqual([{ v: 1, type: "ack", ack: 2 }]);
    h.feed(line({ v: 1, seq: 2, ...basket }));
    expect(h.writes()).toEqual([{ v: 1, type: "ack", ack: 2 }]);
    expect(h.has("deliver")).toBe(false);

    h.feed(line({ v: 1, seq: 3, type: "pay", saleId: "S-1", total: 0 }));
    h.feed({
      type: "delivered",
      seq: 3,
      acceptance: { ok: false, code: "SALE_BUSY", message: "S-0 is being paid" },
    });
    const refusal = { v: 1, type: "ack", ack: 3, error: { code: "SALE_BUSY", message: "S-0 is being paid" } };
    expect(h.writes()).toEqual([refusal]);
    h.feed(line({ v: 1, seq: 3, type: "pay", saleId: "S-1", total: 0 }));
    expect(h.writes()).toEqual([refusal]);
    expect(h.state.counters.duplicates).toBe(3);
  });

  it("refuses invalid content itself, without delivering, and remembers the refusal", () => {
    const h = new Harness().up();
    h.feed(line({ v: 1, seq: 2, ...basket, currency: "SEK" }));
    const refusal = {
      v: 1,
      type: "ack",
      ack: 2,
      error: { code: "BAD_CURRENCY", message: "currency: expected one of NOK, DKK, EUR" },
    };
    expect(h.writes()).toEqual([refusal]);
    expect(h.has("deliver")).toBe(false);
    h.feed(line({ v: 1, seq: 3, type: "dance" }), line({ v: 2, seq: 4, ...basket }));
    expect(h.writes().map((w) => (w.error as { code: string }).code)).toEqual(["UNKNOWN_TYPE", "BAD_FIELD"]);
    expect(h.state.counters.refusedOut).toBe(3);
  });

  it("naks damaged lines with the code and the seq it can read, and frames without a seq", () => {
    const h = new Harness().up();
    h.feed({ type: "line", line: { kind: "damaged", code: "BAD_CRC", seq: 5, reason: "CRC mismatch" } });
    expect(h.writes()).toEqual([{ v: 1, type: "nak", ack: 5, code: "BAD_CRC" }]);
    expect(h.has("write", { droppable: true })).toBe(true);
    h.feed(line({ v: 1, type: "pay", saleId: "S-1", total: 5 }));
    expect(h.writes()).toEqual([{ v: 1, type: "nak", ack: null, code: "BAD_FRAME" }]);
    h.feed({
      type: "line",
      line: { kind: "damaged", code: "BAD_FRAME", seq: null, reason: "long", oversized: true },
    });
    expect(h.state.counters).toMatchObject({ badCrc: 1, badFrame: 2, oversized: 1, naksOut: 3 });
  });

  it("answers ping with an ack and a pong", () => {
    const h = new Harness().up();
    h.feed(line({ v: 1, seq: 2, type: "ping" }));
    expect(h.writes()).toEqual([
      { v: 1, type: "ack", ack: 2 },
      { v: 1, seq: 2, type: "pong" },
    ]);
  });

  it("delivers one frame at a time, in order", () => {
    const h = new Harness().up();
    h.feed(line({ v: 1, seq: 2, ...basket }), line({ v: 1, seq: 3, type: "pay", saleId: "S-1", total: 0 }));
    expect(
      h.effects.filter((e) => e.type === "deliver").map((e) => (e.type === "deliver" ? e.seq : 0)),
    ).toEqual([2]);
    h.feed({ type: "delivered", seq: 2, acceptance: { ok: true } });
    expect(
      h.effects.filter((e) => e.type === "deliver").map((e) => (e.type === "deliver" ? e.seq : 0)),
    ).toEqual([3]);
  });

  it("remembers the last 64 seqs only", () => {
    const h = new Harness().up();
    for (let seq = 2; seq <= 66; seq++)
      h.feed(line({ v: 1, seq, type: "status", saleId: "S-1" }), {
        type: "delivered",
        seq,
        acceptance: { ok: true },
      });
    h.feed(line({ v: 1, seq: 3, type: "status", saleId: "S-1" }));
    expect(h.has("deliver")).toBe(false);
    h.feed(line({ v: 1, seq: 2, type: "status", saleId: "S-1" }));
    expect(h.has("deliver", { seq: 2 })).toBe(true);
  });

  it("forgets the peer's seqs on its hello, and drops the answer of a handler from the old session", () => {
    const h = new Harness().up();
    h.feed({ type: "timeout", timer: "settle" });
    h.feed(line({ v: 1, seq: 2, ...basket }), { type: "delivered", seq: 2, acceptance: { ok: true } });
    h.feed(line({ v: 1, seq: 3, ...basket }));
    h.feed(line({ v: 1, seq: 1, ...registerHello }), line({ v: 1, type: "ack", ack: 1 }));
    h.feed({ type: "delivered", seq: 3, acceptance: { ok: true } });
    expect(h.writes()).toEqual([]);
    h.feed(line({ v: 1, seq: 2, ...basket }));
    expect(h.has("deliver", { seq: 2 })).toBe(true);
  });
});
