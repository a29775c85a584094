import { afterEach, describe, expect, it } from "vitest";
import {
  basket,
  captured,
  flush,
  startMemoryRig,
  type MemoryRig,
} from "../../test/helpers/register-memory-rig.js";

/**
 * Restarts on an in-memory cable with a manual clock: a side that restarts right after a hello
 * exchange is recognised at once by its new session (docs/register-protocol.md §3.3), a hello
 * whose ack was lost is not, and a register without sessions still gets through by the v1
 * time window.
 */

let rig: MemoryRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

async function start(options?: Parameters<typeof startMemoryRig>[0]): Promise<MemoryRig> {
  rig = await startMemoryRig(options);
  return rig;
}

function hellos(r: MemoryRig, from: "a" | "b", since = 0): Record<string, unknown>[] {
  return r.wire
    .slice(since)
    .filter((w) => w.from === from && w.frame.type === "hello")
    .map((w) => w.frame);
}

describe("register link restarts", () => {
  it("recognises an agent restarted right after the exchange at once: no timer runs, the register never leaves for unreachable", async () => {
    const r = await start();
    const registerStates: string[] = [];
    r.register.onStateChange((s) => registerStates.push(s));
    const before = r.wire.length;
    const t0 = r.clock.now();
    await r.restartAgent();
    await flush();
    expect(r.clock.now()).toBe(t0);
    expect(r.agent.state).toBe("up");
    expect(registerStates).toEqual(["handshaking", "up"]);
    const [agentHello] = hellos(r, "a", before);
    const [registerHello] = hellos(r, "b", before);
    expect(agentHello?.session).toMatch(/^[0-9a-f]{16}$/);
    expect(agentHello?.session).not.toBe(hellos(r, "a")[0]?.session);
    expect(registerHello?.session).not.toBe(hellos(r, "b")[0]?.session);
    await expect(r.agent.send(captured)).resolves.toEqual({ acked: true });
    expect(r.registerGot).toEqual([captured]);
  });

  it("recognises a register rebooted right after the exchange at once, and takes its next command", async () => {
    const r = await start();
    const agentStates: string[] = [];
    r.agent.onStateChange((s) => agentStates.push(s));
    await r.restartRegister();
    await flush();
    expect(r.register.state).toBe("up");
    expect(agentStates).toEqual(["handshaking", "up"]);
    await expect(r.register.send(basket)).resolves.toEqual({ acked: true });
    expect(r.agentGot).toEqual([basket]);
  });

  it("takes the register's hello again after its acks were lost for a retransmission: the agent starts no new exchange", async () => {
    const r = await start({ start: false });
    // Every ack of the register's hello is lost until the register's ack timeout.
    r.lose = (frame, from) => from === "a" && frame.type === "ack" && frame.ack === 1 && r.clock.now() < 1000;
    r.register.start();
    r.agent.start();
    await flush();
    expect(r.agent.state).toBe("up");
    expect(r.register.state).toBe("handshaking");
    const agentStates: string[] = [];
    r.agent.onStateChange((s) => agentStates.push(s));
    r.clock.advance(1000);
    await flush();
    expect(r.register.state).toBe("up");
    expect(agentStates).toEqual([]);
    const registerHellos = hellos(r, "b");
    expect(registerHellos.length).toBeGreaterThanOrEqual(3);
    expect(new Set(registerHellos.map((h) => h.session)).size).toBe(1);
    expect(new Set(hellos(r, "a").map((h) => h.session)).size).toBe(1);
    await expect(r.register.send(basket)).resolves.toEqual({ acked: true });
  });

  it("still recovers from a register that sends no session (v1 only): its quick reboot is recognised after the time window", async () => {
    const r = await start({ registerSession: false });
    const registerStates: string[] = [];
    expect(hellos(r, "b")[0]).not.toHaveProperty("session");
    await r.restartRegister();
    r.register.onStateChange((s) => registerStates.push(s));
    await flush();
    // Within the agent's settle window the new hello looks like a late copy: acked only.
    expect(r.register.state).toBe("handshaking");
    r.clock.advance(4000);
    await flush();
    expect(registerStates).toContain("unreachable");
    r.clock.advance(500);
    await flush();
    expect(r.register.state).toBe("up");
    expect(r.agent.state).toBe("up");
    await expect(r.register.send(basket)).resolves.toEqual({ acked: true });
  });
});
