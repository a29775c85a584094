import { describe, expect, it } from "vitest";
import {
  basket,
  Harness,
  line,
  registerHello,
  registerHelloIn,
  sale,
} from "../../test/helpers/link-machine-harness.js";

/** The hello exchange of the pure link machine (docs/register-protocol.md §3.3), case by case. */

const ack1 = { v: 1, type: "ack", ack: 1 };

describe("link machine: hello exchange", () => {
  it("opens, sends hello with seq 1 and a fresh session, and is up once its hello is acked and the peer's hello came", () => {
    const h = new Harness();
    h.feed({ type: "start" });
    expect(h.reported).toBe("opening");
    h.feed({ type: "opened" });
    expect(h.writes()).toEqual([
      {
        v: 1,
        seq: 1,
        type: "hello",
        protocol: 1,
        role: "agent",
        id: "pos-agent-kasse1",
        software: "test/1",
        till: "kasse1",
        session: "s1",
      },
    ]);
    expect(h.reported).toBe("handshaking");
    h.feed({ type: "written", seq: 1, attempt: 1 });
    expect(h.has("setTimer", { timer: "ack", ms: 1000 })).toBe(true);
    h.feed(line(ack1));
    expect(h.has("setTimer", { timer: "handshake", ms: 4000 })).toBe(true);
    expect(h.reported).toBe("handshaking");
    h.feed(line({ v: 1, seq: 1, ...registerHelloIn("r1") }));
    expect(h.writes()).toEqual([ack1]);
    expect(h.reported).toBe("up");
    expect(h.has("clearTimer", { timer: "handshake" })).toBe(true);
    expect(h.has("setTimer", { timer: "heartbeat", ms: 5000 })).toBe(true);
    expect(h.state.peer).toEqual(registerHelloIn("r1"));
  });

  it("is up also when the peer's hello crosses ours; a repeat of the peer's hello meanwhile is only acked", () => {
    const h = new Harness();
    h.feed({ type: "start" }, { type: "opened" });
    h.feed(line({ v: 1, seq: 1, ...registerHelloIn("r1") }));
    // Our hello, unacked, is sent again at once (same session): the peer was probably not listening yet.
    expect(h.writes()).toEqual([ack1, h.ourHello()]);
    expect(h.ourHello()).toMatchObject({ session: "s1" });
    expect(h.reported).toBe("handshaking");
    h.feed(line({ v: 1, seq: 1, ...registerHelloIn("r1") }));
    expect(h.writes()).toEqual([ack1]);
    h.feed(line(ack1));
    expect(h.reported).toBe("up");
    expect(h.sessions).toBe(1);
  });

  it("retransmits its hello with the same session; the hello after a reopen has a new one", () => {
    const h = new Harness();
    h.feed({ type: "start" }, { type: "opened" }, { type: "written", seq: 1, attempt: 1 });
    for (let attempt = 2; attempt <= 4; attempt++) {
      h.feed({ type: "timeout", timer: "ack" });
      expect(h.writes()).toEqual([{ ...h.ourHello(), session: "s1" }]);
    }
    h.feed({ type: "timeout", timer: "ack" });
    expect(h.has("reopen")).toBe(true);
    expect(h.reported).toBe("unreachable");
    h.feed({ type: "opened" });
    expect(h.writes()).toEqual([{ ...h.ourHello(), session: "s2" }]);
  });

  it("sends no session when it has no source of them (a peer that follows only the v1 contract)", () => {
    const h = new Harness({ sessions: false });
    h.feed({ type: "start" }, { type: "opened" });
    expect(h.writes()).toEqual([
      {
        v: 1,
        seq: 1,
        type: "hello",
        protocol: 1,
        role: "agent",
        id: "pos-agent-kasse1",
        software: "test/1",
        till: "kasse1",
      },
    ]);
  });

  it("refuses a hello of another protocol version or with a malformed session, and gives up on a refused hello of its own", () => {
    const h = new Harness();
    h.feed({ type: "start" }, { type: "opened" });
    h.feed(line({ v: 1, seq: 1, ...registerHello, protocol: 2 }));
    expect(h.writes()).toEqual([
      {
        v: 1,
        type: "ack",
        ack: 1,
        error: { code: "BAD_FIELD", message: "protocol: expected an integer from 1 to 1" },
      },
    ]);
    h.feed(line({ v: 1, seq: 1, ...registerHello, session: 42 }));
    expect(h.writes()).toEqual([
      {
        v: 1,
        type: "ack",
        ack: 1,
        error: { code: "BAD_FIELD", message: "session: expected a text of 1–64 characters" },
      },
    ]);
    expect(h.state.peer).toBeNull();
    h.feed(line({ v: 1, type: "ack", ack: 1, error: { code: "BAD_FIELD", message: "till" } }));
    expect(h.reported).toBe("unreachable");
    expect(h.has("reopen")).toBe(true);
  });

  it("gives up when the peer acks our hello but never sends its own", () => {
    const h = new Harness();
    h.feed({ type: "start" }, { type: "opened" }, line(ack1), { type: "timeout", timer: "handshake" });
    expect(h.reported).toBe("unreachable");
    expect(h.has("reopen")).toBe(true);
  });
});

describe("link machine: a hello from the peer while up", () => {
  /** Up with the peer's seq 2 delivered and acked, and our report id 7 in flight. */
  function busy(peerHello: Record<string, unknown>): Harness {
    const h = new Harness().up(peerHello);
    h.feed(
      line({ v: 1, seq: 2, ...basket }),
      { type: "delivered", seq: 2, acceptance: { ok: true } },
      { type: "send", id: 7, message: sale },
    );
    return h;
  }

  /** Nothing restarted: only an ack, the report still in flight, the peer's seqs still known. */
  function expectCopy(h: Harness): void {
    expect(h.writes()).toEqual([ack1]);
    expect(h.reported).toBe("up");
    expect(h.has("fail")).toBe(false);
    expect(h.state.inFlight).toMatchObject({ id: 7, seq: 2 });
    h.feed(line({ v: 1, seq: 2, ...basket }));
    expect(h.writes()).toEqual([{ v: 1, type: "ack", ack: 2 }]);
    expect(h.has("deliver")).toBe(false);
  }

  /** A restart: ack, our new hello with the next session, the report dropped, the peer's seqs forgotten. */
  function expectRestart(h: Harness, session: string): void {
    expect(h.writes()).toEqual([ack1, { ...h.ourHello(), session }]);
    expect(h.has("fail", { id: 7, code: "REGISTER_DOWN" })).toBe(true);
    expect(h.has("clearTimer", { timer: "settle" })).toBe(true);
    expect(h.reported).toBe("handshaking");
    // The peer's hello is in hand: our hello's ack completes the exchange, no waiting.
    h.feed(line(ack1));
    expect(h.reported).toBe("up");
    h.feed(line({ v: 1, seq: 2, ...basket }));
    expect(h.has("deliver", { seq: 2 })).toBe(true);
  }

  it("takes the accepted session again, within the settle window, for a retransmission (its ack was lost): acked only", () => {
    const h = busy(registerHelloIn("r1"));
    h.feed(line({ v: 1, seq: 1, ...registerHelloIn("r1") }));
    expectCopy(h);
    expect(h.state.counters.duplicates).toBe(2);
  });

  it("takes another session for a restart at once, even right after the exchange, and answers with its own hello", () => {
    const h = busy(registerHelloIn("r1"));
    h.feed(line({ v: 1, seq: 1, ...registerHelloIn("r2") }));
    expect(h.state.peer).toEqual(registerHelloIn("r2"));
    expectRestart(h, "s2");
  });

  it("takes a first session from a peer whose accepted hello had none for a restart at once", () => {
    const h = busy(registerHello);
    h.feed(line({ v: 1, seq: 1, ...registerHelloIn("r1") }));
    expectRestart(h, "s2");
  });

  it("takes the accepted session after the settle window for a restart (a peer that reused its session is still recognised)", () => {
    const h = busy(registerHelloIn("r1"));
    h.feed({ type: "timeout", timer: "settle" });
    h.feed(line({ v: 1, seq: 1, ...registerHelloIn("r1") }));
    expectRestart(h, "s2");
  });

  it("falls back to the settle window for a hello without a session: a copy within it, a restart after it", () => {
    const early = busy(registerHello);
    early.feed(line({ v: 1, seq: 1, ...registerHello }));
    expectCopy(early);

    const late = busy(registerHello);
    late.feed({ type: "timeout", timer: "settle" });
    late.feed(line({ v: 1, seq: 1, ...registerHello }));
    expectRestart(late, "s2");
  });

  it("takes a hello without a session from a peer that sent one for a copy within the settle window", () => {
    const h = busy(registerHelloIn("r1"));
    h.feed(line({ v: 1, seq: 1, ...registerHello }));
    expectCopy(h);
  });

  it("answers a restart with one hello only: the restarted peer's repeated hello is acked, before and after up (no storm)", () => {
    const h = busy(registerHelloIn("r1"));
    h.feed(line({ v: 1, seq: 1, ...registerHelloIn("r2") }));
    expect(h.writes()).toEqual([ack1, { ...h.ourHello(), session: "s2" }]);
    // The peer's hello again, while our answer is unacked (the peer missed our first ack).
    h.feed(line({ v: 1, seq: 1, ...registerHelloIn("r2") }));
    expect(h.writes()).toEqual([ack1]);
    h.feed(line(ack1));
    expect(h.reported).toBe("up");
    h.feed(line({ v: 1, seq: 1, ...registerHelloIn("r2") }));
    expect(h.writes()).toEqual([ack1]);
    expect(h.reported).toBe("up");
    expect(h.sessions).toBe(2);
  });
});
