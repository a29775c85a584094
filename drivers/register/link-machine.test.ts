import { describe, expect, it } from "vitest";
import { encodeFrame, FrameReader, type DecodedLine } from "./frame-codec.js";
import { step } from "./link-machine.js";
import { initialState, reportedState, type LinkEffect, type LinkInput, type LinkSettings, type MachineState } from "./link-state.js";
import { MAX_SEQ } from "./protocol.js";
import { validateRegisterMessage } from "./validate-register.js";

const settings: LinkSettings = {
  ackTimeoutMs: 1000,
  maxRetransmits: 3,
  heartbeatIntervalMs: 5000,
  hello: { type: "hello", protocol: 1, role: "agent", id: "pos-agent-kasse1", software: "test/1", till: "kasse1" },
  validate: validateRegisterMessage,
};
const registerHello = { type: "hello", protocol: 1, role: "register", id: "R1", software: "pos/1" };
const sale = { type: "sale", saleId: "S-1", state: "captured", final: true, capturedAmount: 100 };
const basket = { type: "basket", saleId: "S-1", currency: "NOK", lines: [], total: 0 };

/** A frame from the peer, through the real codec. */
function line(object: Record<string, unknown>): LinkInput {
  const lines: DecodedLine[] = [];
  new FrameReader().push(encodeFrame(object), (l) => lines.push(l));
  const decoded = lines[0];
  if (decoded === undefined) throw new Error("no line");
  return { type: "line", line: decoded };
}

class Harness {
  state: MachineState = initialState();
  effects: LinkEffect[] = [];
  feed(...inputs: LinkInput[]): LinkEffect[] {
    this.effects = [];
    for (const input of inputs) {
      const result = step(this.state, input, settings);
      this.state = result.state;
      this.effects.push(...result.effects);
    }
    return this.effects;
  }
  get reported(): string {
    return reportedState(this.state);
  }
  writes(): Record<string, unknown>[] {
    return this.effects.flatMap((e) => (e.type === "write" ? [e.frame as Record<string, unknown>] : []));
  }
  has(type: LinkEffect["type"], match: Record<string, unknown> = {}): boolean {
    return this.effects.some((e) => e.type === type && Object.entries(match).every(([k, v]) => JSON.stringify((e as Record<string, unknown>)[k]) === JSON.stringify(v)));
  }
  /** Brings the link up: opened, our hello acked, the peer's hello received. */
  up(): this {
    this.feed({ type: "start" }, { type: "opened" }, line({ v: 1, type: "ack", ack: 1 }), line({ v: 1, seq: 1, ...registerHello }));
    expect(this.reported).toBe("up");
    return this;
  }
}

describe("link machine: hello exchange", () => {
  it("opens, sends hello with seq 1, and is up once its hello is acked and the peer's hello came", () => {
    const h = new Harness();
    h.feed({ type: "start" });
    expect(h.reported).toBe("opening");
    h.feed({ type: "opened" });
    expect(h.writes()).toEqual([{ v: 1, seq: 1, ...settings.hello }]);
    expect(h.reported).toBe("handshaking");
    h.feed({ type: "written", seq: 1, attempt: 1 });
    expect(h.has("setTimer", { timer: "ack", ms: 1000 })).toBe(true);
    h.feed(line({ v: 1, type: "ack", ack: 1 }));
    expect(h.has("setTimer", { timer: "handshake", ms: 4000 })).toBe(true);
    expect(h.reported).toBe("handshaking");
    h.feed(line({ v: 1, seq: 1, ...registerHello }));
    expect(h.writes()).toEqual([{ v: 1, type: "ack", ack: 1 }]);
    expect(h.reported).toBe("up");
    expect(h.has("clearTimer", { timer: "handshake" })).toBe(true);
    expect(h.has("setTimer", { timer: "heartbeat", ms: 5000 })).toBe(true);
    expect(h.state.peer).toEqual(registerHello);
  });

  it("is up also when the peer's hello crosses ours", () => {
    const h = new Harness();
    h.feed({ type: "start" }, { type: "opened" });
    h.feed(line({ v: 1, seq: 1, ...registerHello }));
    // Our hello, unacked, is sent again at once: the peer was probably not listening yet.
    expect(h.writes()).toEqual([{ v: 1, type: "ack", ack: 1 }, { v: 1, seq: 1, ...settings.hello }]);
    expect(h.reported).toBe("handshaking");
    h.feed(line({ v: 1, seq: 1, ...registerHello }));
    expect(h.writes()).toEqual([{ v: 1, type: "ack", ack: 1 }]);
    h.feed(line({ v: 1, type: "ack", ack: 1 }));
    expect(h.reported).toBe("up");
  });

  it("takes a hello soon after the exchange for a late retransmission: acked, nothing restarted", () => {
    const h = new Harness().up();
    expect(h.has("setTimer", { timer: "settle", ms: 4000 })).toBe(true);
    h.feed({ type: "send", id: 7, message: sale });
    h.feed(line({ v: 1, seq: 1, ...registerHello }));
    expect(h.writes()).toEqual([{ v: 1, type: "ack", ack: 1 }]);
    expect(h.reported).toBe("up");
    expect(h.has("fail")).toBe(false);
  });

  it("answers a peer's hello while up with its own hello and restarts the session", () => {
    const h = new Harness().up();
    h.feed({ type: "timeout", timer: "settle" });
    h.feed({ type: "send", id: 7, message: sale });
    h.feed(line({ v: 1, seq: 1, ...registerHello }));
    expect(h.writes()).toEqual([{ v: 1, type: "ack", ack: 1 }, { v: 1, seq: 1, ...settings.hello }]);
    expect(h.has("fail", { id: 7, code: "REGISTER_DOWN" })).toBe(true);
    expect(h.reported).toBe("handshaking");
    h.feed(line({ v: 1, type: "ack", ack: 1 }));
    expect(h.reported).toBe("up");
  });

  it("refuses a hello of another protocol version and gives up on a refused hello of its own", () => {
    const h = new Harness();
    h.feed({ type: "start" }, { type: "opened" });
    h.feed(line({ v: 1, seq: 1, ...registerHello, protocol: 2 }));
    expect(h.writes()).toEqual([{ v: 1, type: "ack", ack: 1, error: { code: "BAD_FIELD", message: "protocol: expected an integer from 1 to 1" } }]);
    h.feed(line({ v: 1, type: "ack", ack: 1, error: { code: "BAD_FIELD", message: "till" } }));
    expect(h.reported).toBe("unreachable");
    expect(h.has("reopen")).toBe(true);
  });

  it("gives up when the peer acks our hello but never sends its own", () => {
    const h = new Harness();
    h.feed({ type: "start" }, { type: "opened" }, line({ v: 1, type: "ack", ack: 1 }), { type: "timeout", timer: "handshake" });
    expect(h.reported).toBe("unreachable");
    expect(h.has("reopen")).toBe(true);
  });
});

describe("link machine: sending", () => {
  it("refuses to send unless up", () => {
    const h = new Harness();
    h.feed({ type: "start" }, { type: "send", id: 1, message: sale });
    expect(h.effects).toEqual([{ type: "fail", id: 1, code: "REGISTER_DOWN", message: "the register link is opening" }]);
  });

  it("sends one frame at a time, in order, with increasing seq", () => {
    const h = new Harness().up();
    h.feed({ type: "send", id: 1, message: sale }, { type: "send", id: 2, message: { ...sale, saleId: "S-2" } });
    expect(h.writes()).toEqual([{ v: 1, seq: 2, ...sale }]);
    h.feed(line({ v: 1, type: "ack", ack: 2 }));
    expect(h.has("settle", { id: 1, result: { acked: true } })).toBe(true);
    expect(h.writes()).toEqual([{ v: 1, seq: 3, ...sale, saleId: "S-2" }]);
  });

  it("resolves a refusing ack as refused and does not retransmit it", () => {
    const h = new Harness().up();
    h.feed({ type: "send", id: 1, message: sale }, line({ v: 1, type: "ack", ack: 2, error: { code: "UNKNOWN_SALE", message: "no S-1" } }));
    expect(h.has("settle", { id: 1, result: { refused: { code: "UNKNOWN_SALE", message: "no S-1" } } })).toBe(true);
    h.feed({ type: "timeout", timer: "ack" });
    expect(h.writes()).toEqual([]);
  });

  it("retransmits the same seq on ack timeout up to maxRetransmits, then is unreachable", () => {
    const h = new Harness().up();
    h.feed({ type: "send", id: 1, message: sale }, { type: "send", id: 2, message: sale }, { type: "written", seq: 2, attempt: 1 });
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
    h.feed({ type: "send", id: 1, message: sale }, { type: "timeout", timer: "ack" }, { type: "written", seq: 2, attempt: 1 });
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

describe("link machine: receiving", () => {
  it("delivers a valid frame, acks with the handler's answer, and re-acks a duplicate the same way without delivering", () => {
    const h = new Harness().up();
    h.feed(line({ v: 1, seq: 2, ...basket }));
    expect(h.effects.filter((e) => e.type === "deliver")).toEqual([{ type: "deliver", seq: 2, message: basket }]);
    expect(h.writes()).toEqual([]);
    h.feed(line({ v: 1, seq: 2, ...basket }));
    expect(h.effects.filter((e) => e.type === "deliver" || e.type === "write")).toEqual([]);
    h.feed({ type: "delivered", seq: 2, acceptance: { ok: true } });
    expect(h.writes()).toEqual([{ v: 1, type: "ack", ack: 2 }]);
    h.feed(line({ v: 1, seq: 2, ...basket }));
    expect(h.writes()).toEqual([{ v: 1, type: "ack", ack: 2 }]);
    expect(h.has("deliver")).toBe(false);

    h.feed(line({ v: 1, seq: 3, type: "pay", saleId: "S-1", total: 0 }));
    h.feed({ type: "delivered", seq: 3, acceptance: { ok: false, code: "SALE_BUSY", message: "S-0 is being paid" } });
    const refusal = { v: 1, type: "ack", ack: 3, error: { code: "SALE_BUSY", message: "S-0 is being paid" } };
    expect(h.writes()).toEqual([refusal]);
    h.feed(line({ v: 1, seq: 3, type: "pay", saleId: "S-1", total: 0 }));
    expect(h.writes()).toEqual([refusal]);
    expect(h.state.counters.duplicates).toBe(3);
  });

  it("refuses invalid content itself, without delivering, and remembers the refusal", () => {
    const h = new Harness().up();
    h.feed(line({ v: 1, seq: 2, ...basket, currency: "SEK" }));
    const refusal = { v: 1, type: "ack", ack: 2, error: { code: "BAD_CURRENCY", message: "currency: expected one of NOK, DKK, EUR" } };
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
    h.feed({ type: "line", line: { kind: "damaged", code: "BAD_FRAME", seq: null, reason: "long", oversized: true } });
    expect(h.state.counters).toMatchObject({ badCrc: 1, badFrame: 2, oversized: 1, naksOut: 3 });
  });

  it("answers ping with an ack and a pong", () => {
    const h = new Harness().up();
    h.feed(line({ v: 1, seq: 2, type: "ping" }));
    expect(h.writes()).toEqual([{ v: 1, type: "ack", ack: 2 }, { v: 1, seq: 2, type: "pong" }]);
  });

  it("delivers one frame at a time, in order", () => {
    const h = new Harness().up();
    h.feed(line({ v: 1, seq: 2, ...basket }), line({ v: 1, seq: 3, type: "pay", saleId: "S-1", total: 0 }));
    expect(h.effects.filter((e) => e.type === "deliver").map((e) => (e.type === "deliver" ? e.seq : 0))).toEqual([2]);
    h.feed({ type: "delivered", seq: 2, acceptance: { ok: true } });
    expect(h.effects.filter((e) => e.type === "deliver").map((e) => (e.type === "deliver" ? e.seq : 0))).toEqual([3]);
  });

  it("remembers the last 64 seqs only", () => {
    const h = new Harness().up();
    for (let seq = 2; seq <= 66; seq++) h.feed(line({ v: 1, seq, type: "status", saleId: "S-1" }), { type: "delivered", seq, acceptance: { ok: true } });
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
