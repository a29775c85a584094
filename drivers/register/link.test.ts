import { afterEach, describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { FrameReader } from "./frame-codec.js";
import { createMemoryCable, type CableEnd, type MemoryCable } from "./memory-transport.js";
import type { AgentReport, RegisterCommand, SaleMessage } from "./messages.js";
import { createRegisterLink, type RegisterLink } from "./register-link.js";
import { createRegisterSideLink, type RegisterSideLink } from "./register-side-link.js";

/** Lets queued microtasks and immediates run (the cable and handlers are asynchronous). */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

function frames(bytes: Uint8Array): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  new FrameReader().push(bytes, (l) => {
    if (l.kind === "frame") out.push(l.value);
  });
  return out;
}

const captured: SaleMessage = { type: "sale", saleId: "S-1", state: "captured", final: true, amount: 4900, capturedAmount: 4900 };
const basket: RegisterCommand = {
  type: "basket",
  saleId: "S-1",
  currency: "NOK",
  lines: [{ id: "sku-1", name: "Kaffe", quantity: "2", unitPrice: 2450, total: 4900, vatRate: 2500 }],
  total: 4900,
};

interface Rig {
  clock: ManualClock;
  cable: MemoryCable;
  agent: RegisterLink;
  register: RegisterSideLink;
  agentGot: RegisterCommand[];
  registerGot: AgentReport[];
  /** Every frame on the cable, with its direction. */
  wire: { from: CableEnd; frame: Record<string, unknown>; at: number }[];
  /** Frames matching this are lost in flight. */
  lose: (frame: Record<string, unknown>, from: CableEnd) => boolean;
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.agent.stop();
  await rig?.register.stop();
  rig = undefined;
});

async function setup(options: { heartbeatIntervalMs?: number; start?: boolean } = {}): Promise<Rig> {
  const clock = new ManualClock(0);
  const cable = createMemoryCable({ clock, reopenDelayMs: 500 });
  const agentGot: RegisterCommand[] = [];
  const registerGot: AgentReport[] = [];
  const common = { clock, ackTimeoutMs: 1000, maxRetransmits: 3, heartbeatIntervalMs: options.heartbeatIntervalMs ?? 0 };
  const agent = createRegisterLink({
    ...common,
    transport: cable.a,
    tillId: "kasse1",
    software: "test/1",
    handler: (m) => {
      agentGot.push(m);
      return { ok: true };
    },
  });
  const register = createRegisterSideLink({
    ...common,
    heartbeatIntervalMs: 0,
    transport: cable.b,
    id: "R1",
    software: "pos/1",
    handler: (m) => {
      registerGot.push(m);
      return { ok: true };
    },
  });
  const r: Rig = { clock, cable, agent, register, agentGot, registerGot, wire: [], lose: () => false };
  cable.tap = (bytes, from) => {
    const list = frames(bytes);
    for (const frame of list) r.wire.push({ from, frame, at: clock.now() });
    return list.some((f) => r.lose(f, from)) ? null : bytes;
  };
  rig = r;
  if (options.start !== false) {
    // One ack timeout: time for a hello that found the other end not yet open to be resent.
    register.start();
    agent.start();
    await flush();
    clock.advance(1000);
    await flush();
    expect(agent.state).toBe("up");
  }
  return r;
}

describe("register link over an in-memory cable, with a manual clock", () => {
  it("completes the hello exchange on both ends and reports each state change", async () => {
    const r = await setup({ start: false });
    const states: string[] = [];
    r.agent.onStateChange((s) => states.push(s));
    r.register.start();
    r.agent.start();
    await flush();
    r.clock.advance(1000);
    await flush();
    expect(states).toEqual(["opening", "handshaking", "up"]);
    expect(r.register.state).toBe("up");
    expect(r.agent.peer).toMatchObject({ role: "register", id: "R1" });
    expect(r.register.peer).toMatchObject({ role: "agent", till: "kasse1" });
  });

  it("delivers register commands to the handler and resolves sends when acked", async () => {
    const r = await setup();
    await expect(r.register.send(basket)).resolves.toEqual({ acked: true });
    expect(r.agentGot).toEqual([basket]);
    await expect(r.agent.send(captured)).resolves.toEqual({ acked: true });
    expect(r.registerGot).toEqual([captured]);
  });

  it("retransmits exactly one ack timeout after the frame was written, and the receiver acts once", async () => {
    const r = await setup();
    let dropped = false;
    r.lose = (f, from) => {
      if (from === "b" && f.type === "ack" && !dropped) return (dropped = true);
      return false;
    };
    const t0 = r.clock.now();
    const duplicatesBefore = r.register.counters.duplicates;
    const sent = r.agent.send(captured);
    await flush();
    const first = r.wire.filter((w) => w.frame.type === "sale");
    expect(first).toHaveLength(1);
    r.clock.advance(999);
    await flush();
    expect(r.wire.filter((w) => w.frame.type === "sale")).toHaveLength(1);
    r.clock.advance(1);
    await flush();
    const sales = r.wire.filter((w) => w.frame.type === "sale");
    expect(sales).toHaveLength(2);
    expect(sales[1]?.frame.seq).toBe(sales[0]?.frame.seq);
    expect(sales[1]?.at).toBe(t0 + 1000);
    await expect(sent).resolves.toEqual({ acked: true });
    expect(r.registerGot).toEqual([captured]);
    expect(r.register.counters.duplicates - duplicatesBefore).toBe(1);
  });

  it("gives up after maxRetransmits with REGISTER_UNREACHABLE, reopens, and recovers when the peer answers again", async () => {
    const r = await setup();
    let deaf = true;
    r.lose = (_f, from) => from === "b" && deaf;
    const sent = r.agent.send(captured);
    const outcome = sent.then(
      () => "resolved",
      (e: unknown) => (isAgentError(e, "REGISTER_UNREACHABLE") ? "unreachable" : String(e)),
    );
    await flush();
    for (let i = 0; i < 3; i++) {
      r.clock.advance(1000);
      await flush();
    }
    expect(r.wire.filter((w) => w.frame.type === "sale")).toHaveLength(4);
    expect(r.agent.state).toBe("up");
    r.clock.advance(1000);
    await flush();
    expect(await outcome).toBe("unreachable");
    expect(r.agent.state).toBe("unreachable");
    await expect(r.agent.send(captured)).rejects.toMatchObject({ code: "REGISTER_DOWN" });
    deaf = false;
    r.clock.advance(500);
    await flush();
    expect(r.agent.state).toBe("up");
  });

  it("pings after heartbeatIntervalMs of silence and notices a peer that went silent", async () => {
    const r = await setup({ heartbeatIntervalMs: 5000 });
    r.clock.advance(3000);
    await r.register.send(basket);
    r.clock.advance(4999);
    await flush();
    expect(r.wire.filter((w) => w.frame.type === "ping")).toHaveLength(0);
    r.clock.advance(1);
    await flush();
    expect(r.wire.filter((w) => w.frame.type === "ping")).toHaveLength(1);
    expect(r.wire.filter((w) => w.frame.type === "pong")).toHaveLength(1);
    expect(r.agent.state).toBe("up");

    r.lose = (_f, from) => from === "b";
    r.clock.advance(5000);
    await flush();
    for (let i = 0; i < 4; i++) {
      r.clock.advance(1000);
      await flush();
    }
    expect(r.wire.filter((w) => w.frame.type === "ping")).toHaveLength(1 + 4);
    expect(r.agent.state).toBe("unreachable");
  });

  it("refuses with INTERNAL_ERROR when the handler throws, and nothing is delivered twice", async () => {
    const clock = new ManualClock(0);
    const cable = createMemoryCable({ clock });
    const agent = createRegisterLink({
      transport: cable.a,
      clock,
      tillId: "kasse1",
      software: "t",
      ackTimeoutMs: 1000,
      maxRetransmits: 3,
      heartbeatIntervalMs: 0,
      handler: () => {
        throw new Error("disk full");
      },
    });
    const register = createRegisterSideLink({
      transport: cable.b,
      clock,
      id: "R1",
      software: "t",
      ackTimeoutMs: 1000,
      maxRetransmits: 3,
      heartbeatIntervalMs: 0,
      handler: () => ({ ok: true }),
    });
    register.start();
    agent.start();
    await flush();
    clock.advance(1000);
    await flush();
    await expect(register.send(basket)).resolves.toEqual({
      refused: { code: "INTERNAL_ERROR", message: "the receiver failed while processing this message; nothing was done" },
    });
    await agent.stop();
    await register.stop();
  });

  it("refuses to send what breaks the protocol, without sending anything", async () => {
    const r = await setup();
    const before = r.wire.length;
    await expect(r.agent.send({ type: "sale", saleId: "S-1", state: "captured", final: false })).rejects.toMatchObject({
      code: "REGISTER_BAD_MESSAGE",
    });
    await expect(r.agent.send({ type: "pong" } as unknown as AgentReport)).rejects.toMatchObject({ code: "REGISTER_BAD_MESSAGE" });
    await expect(
      r.agent.send({ type: "receipt", saleId: "S-1", printed: false, copy: false, error: "X".repeat(41) }),
    ).rejects.toMatchObject({ code: "REGISTER_BAD_MESSAGE" });
    expect(r.wire.length).toBe(before);
  });

  it("naks an oversized frame once, counts it, and reads on", async () => {
    const r = await setup();
    const naks = r.wire.length;
    const big = new Uint8Array(1024 * 1024).fill(0x7b);
    await r.cable.b.write(big);
    await r.cable.b.write(new TextEncoder().encode("\n"));
    await flush();
    expect(r.wire.slice(naks).map((w) => w.frame)).toEqual([{ v: 1, type: "nak", ack: null, code: "BAD_FRAME" }]);
    expect(r.agent.counters.oversized).toBe(1);
    await expect(r.register.send(basket)).resolves.toEqual({ acked: true });
  });

  it("answers a flood of garbage with a bounded number of naks, counting every bad line", async () => {
    const r = await setup();
    const before = r.wire.length;
    await r.cable.b.write(new TextEncoder().encode("garbage\n".repeat(1000)));
    await flush();
    const naks = r.wire.slice(before).filter((w) => w.frame.type === "nak");
    expect(naks.length).toBeGreaterThanOrEqual(1);
    expect(naks.length).toBeLessThanOrEqual(4);
    expect(r.agent.counters.badFrame).toBe(1000);
    await expect(r.register.send(basket)).resolves.toEqual({ acked: true });
  });

  it("rejects what waits with REGISTER_DOWN when the cable is unplugged, and is up again after replug", async () => {
    const r = await setup();
    r.lose = (_f, from) => from === "b";
    const sent = r.agent.send(captured).catch((e: unknown) => e);
    await flush();
    r.cable.unplug();
    expect(await sent).toMatchObject({ code: "REGISTER_DOWN" });
    expect(r.agent.state).toBe("opening");
    r.lose = () => false;
    r.cable.plug();
    await flush();
    expect(r.agent.state).toBe("up");
    expect(r.register.state).toBe("up");
  });

  it("re-sends nothing by itself after a restart, but reports up again so the caller can", async () => {
    const r = await setup();
    const ups: number[] = [];
    r.agent.onStateChange((s) => {
      if (s === "up") ups.push(r.clock.now());
    });
    r.clock.advance(4000);
    await r.register.stop();
    const again = createRegisterSideLink({
      transport: r.cable.b,
      clock: r.clock,
      id: "R1",
      software: "pos/1",
      ackTimeoutMs: 1000,
      maxRetransmits: 3,
      heartbeatIntervalMs: 0,
      handler: () => ({ ok: true }),
    });
    r.register = again;
    again.start();
    await flush();
    expect(ups).toHaveLength(1);
    expect(r.agent.state).toBe("up");
    expect(again.state).toBe("up");
  });

  it("stops cleanly: pending sends reject with REGISTER_DOWN", async () => {
    const r = await setup();
    r.lose = (_f, from) => from === "b";
    const sent = r.agent.send(captured).catch((e: unknown) => e);
    await r.agent.stop();
    expect(await sent).toMatchObject({ code: "REGISTER_DOWN" });
    expect(r.agent.state).toBe("closed");
    await r.register.stop();
    expect(r.clock.pending).toBe(0);
  });
});
