import { afterEach, describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import {
  basket,
  captured,
  flush,
  startMemoryRig,
  type MemoryRig,
} from "../../test/helpers/register-memory-rig.js";

/** Every timer rule of the link (ack timeout, retransmissions, unreachable, heartbeat), on a manual clock. */

let rig: MemoryRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

async function start(options?: Parameters<typeof startMemoryRig>[0]): Promise<MemoryRig> {
  rig = await startMemoryRig(options);
  return rig;
}

describe("register link timers", () => {
  it("retransmits exactly one ack timeout after the frame was written, and the receiver acts once", async () => {
    const r = await start();
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
    const r = await start();
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
    const r = await start({ heartbeatIntervalMs: 5000 });
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
});
