import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import {
  basket,
  captured,
  flush,
  startMemoryRig,
  type MemoryRig,
} from "../../test/helpers/register-memory-rig.js";
import { createMemoryCable } from "./memory-transport.js";
import type { AgentReport } from "./messages.js";
import { createRegisterLink } from "./register-link.js";
import { createRegisterSideLink } from "./register-side-link.js";

/** The register link end to end on an in-memory cable, with a manual clock. */

let rig: MemoryRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

async function start(options?: Parameters<typeof startMemoryRig>[0]): Promise<MemoryRig> {
  rig = await startMemoryRig(options);
  return rig;
}

describe("register link over an in-memory cable", () => {
  it("completes the hello exchange on both ends and reports each state change", async () => {
    const r = await start({ start: false });
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
    const r = await start();
    await expect(r.register.send(basket)).resolves.toEqual({ acked: true });
    expect(r.agentGot).toEqual([basket]);
    await expect(r.agent.send(captured)).resolves.toEqual({ acked: true });
    expect(r.registerGot).toEqual([captured]);
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
      refused: {
        code: "INTERNAL_ERROR",
        message: "the receiver failed while processing this message; nothing was done",
      },
    });
    await agent.stop();
    await register.stop();
  });

  it("refuses to send what breaks the protocol, without sending anything", async () => {
    const r = await start();
    const before = r.wire.length;
    await expect(
      r.agent.send({ type: "sale", saleId: "S-1", state: "captured", final: false }),
    ).rejects.toMatchObject({
      code: "REGISTER_BAD_MESSAGE",
    });
    await expect(r.agent.send({ type: "pong" } as unknown as AgentReport)).rejects.toMatchObject({
      code: "REGISTER_BAD_MESSAGE",
    });
    await expect(
      r.agent.send({ type: "receipt", saleId: "S-1", printed: false, copy: false, error: "X".repeat(41) }),
    ).rejects.toMatchObject({ code: "REGISTER_BAD_MESSAGE" });
    expect(r.wire.length).toBe(before);
  });

  it("naks an oversized frame once, counts it, and reads on", async () => {
    const r = await start();
    const naks = r.wire.length;
    const big = new Uint8Array(1024 * 1024).fill(0x7b);
    await r.cable.b.write(big);
    await r.cable.b.write(new TextEncoder().encode("\n"));
    await flush();
    expect(r.wire.slice(naks).map((w) => w.frame)).toEqual([
      { v: 1, type: "nak", ack: null, code: "BAD_FRAME" },
    ]);
    expect(r.agent.counters.oversized).toBe(1);
    await expect(r.register.send(basket)).resolves.toEqual({ acked: true });
  });

  it("answers a flood of garbage with a bounded number of naks, counting every bad line", async () => {
    const r = await start();
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
    const r = await start();
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
    const r = await start();
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
    const r = await start();
    r.lose = (_f, from) => from === "b";
    const sent = r.agent.send(captured).catch((e: unknown) => e);
    await r.agent.stop();
    expect(await sent).toMatchObject({ code: "REGISTER_DOWN" });
    expect(r.agent.state).toBe("closed");
    await r.register.stop();
    expect(r.clock.pending).toBe(0);
  });
});
