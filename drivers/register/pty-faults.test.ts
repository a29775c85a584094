import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { startRegisterRig, type RegisterRig } from "../../test/helpers/register-rig.js";
import type { RelayDirection, RelayFilter } from "../../test/helpers/serial-relay.js";
import { CATALOGUE, lineFor, makeBasket } from "../../sim/register/catalogue.js";
import type { SaleMessage } from "./messages.js";

/**
 * Faults on a REAL serial cable: two socat pty pairs with a relay in the middle that loses or
 * damages chosen lines, between the agent's link and the reference register.
 */

const WAIT = { timeout: 20_000, interval: 20 };
const article = CATALOGUE[0];
if (article === undefined) throw new Error("empty catalogue");
const captured: SaleMessage = {
  type: "sale",
  saleId: "S-1",
  state: "captured",
  final: true,
  amount: 9800,
  capturedAmount: 9800,
};

let dir: ReturnType<typeof tempDir>;
let rig: RegisterRig | undefined;
beforeEach(() => {
  dir = tempDir("register-faults-");
});
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
  dir.cleanup();
});

interface Seen {
  direction: RelayDirection;
  frame: Record<string, unknown> | null;
}

/** A rig whose relay applies `fault` once to the first line it matches, and logs every line. */
async function faultyRig(
  fault: (frame: Record<string, unknown> | null, direction: RelayDirection) => "drop" | "damage" | "pass",
  ackTimeoutMs = 1000,
): Promise<{ r: RegisterRig; seen: Seen[] }> {
  const seen: Seen[] = [];
  let armed = false;
  let done = false;
  const relay: RelayFilter = (line, direction) => {
    seen.push({ direction, frame: line.frame });
    if (!armed || done) return line.bytes;
    const action = fault(line.frame, direction);
    if (action === "pass") return line.bytes;
    done = true;
    if (action === "drop") return null;
    const damaged = Uint8Array.from(line.bytes);
    damaged[10] = (damaged[10] ?? 0) ^ 0x04; // inside the JSON: the CRC no longer matches
    return damaged;
  };
  const r = await startRegisterRig({ dir: dir.path, relay, ackTimeoutMs, heartbeatIntervalMs: 0 });
  rig = r;
  await vi.waitFor(() => {
    expect(r.agent.state).toBe("up");
    expect(r.register.state).toBe("up");
  }, WAIT);
  armed = true;
  return { r, seen };
}

const isAckOf = (frame: Record<string, unknown> | null, type: string, seen: Seen[]): boolean => {
  if (frame?.type !== "ack") return false;
  const acked = seen.find((s) => s.frame?.type === type && s.frame.seq === frame.ack);
  return acked !== undefined;
};

describe("register link faults over real pty pairs", () => {
  it("a lost ack from the register: the agent retransmits the same seq and the register acts once", async () => {
    let seenRef: Seen[] = [];
    const { r, seen } = await faultyRig((frame, direction) =>
      direction === "toAgent" && isAckOf(frame, "sale", seenRef) ? "drop" : "pass",
    );
    seenRef = seen;
    const before = { register: r.register.link.counters, agent: r.agent.counters };
    await expect(r.agent.send(captured)).resolves.toEqual({ acked: true });
    const sales = seen.filter((s) => s.direction === "toRegister" && s.frame?.type === "sale");
    expect(sales).toHaveLength(2);
    expect(sales[1]?.frame?.seq).toBe(sales[0]?.frame?.seq);
    expect(r.register.sale("S-1")?.reports).toEqual([captured]);
    expect(r.register.link.counters.duplicates - before.register.duplicates).toBe(1);
    expect(r.agent.counters.retransmits - before.agent.retransmits).toBe(1);
  });

  it("a lost ack from the agent: the register retransmits its pay and the agent acts once", async () => {
    let seenRef: Seen[] = [];
    const { r, seen } = await faultyRig((frame, direction) =>
      direction === "toRegister" && isAckOf(frame, "pay", seenRef) ? "drop" : "pass",
    );
    seenRef = seen;
    const before = r.agent.counters;
    const b = makeBasket("S-1", "NOK", [lineFor(article, "2")]);
    await expect(r.register.sell(b)).resolves.toEqual({ acked: true });
    await expect(r.register.pay("S-1")).resolves.toEqual({ acked: true });
    expect(seen.filter((s) => s.direction === "toAgent" && s.frame?.type === "pay")).toHaveLength(2);
    expect(r.handled.map((c) => c.type)).toEqual(["basket", "pay"]);
    expect(r.agent.counters.duplicates - before.duplicates).toBe(1);
  });

  it("a damaged frame from the agent gets a nak BAD_CRC and is resent at once", async () => {
    // A 30 s ack timeout: the send can only succeed quickly through the nak.
    const { r, seen } = await faultyRig(
      (frame, direction) => (direction === "toRegister" && frame?.type === "sale" ? "damage" : "pass"),
      30_000,
    );
    const before = r.agent.counters;
    const started = Date.now();
    await expect(r.agent.send(captured)).resolves.toEqual({ acked: true });
    expect(Date.now() - started).toBeLessThan(15_000);
    const toAgent = seen.filter((s) => s.direction === "toAgent").map((s) => s.frame?.type);
    expect(toAgent).toContain("nak");
    expect(seen.find((s) => s.frame?.type === "nak")?.frame).toMatchObject({ code: "BAD_CRC" });
    expect(r.register.sale("S-1")?.reports).toEqual([captured]);
    expect(r.register.link.counters.badCrc).toBe(1);
    expect(r.agent.counters.naksIn - before.naksIn).toBe(1);
    expect(r.agent.counters.retransmits - before.retransmits).toBe(1);
  });

  it("a damaged frame from the register gets a nak and is resent; the agent acts once", async () => {
    const { r, seen } = await faultyRig(
      (frame, direction) => (direction === "toAgent" && frame?.type === "basket" ? "damage" : "pass"),
      30_000,
    );
    const b = makeBasket("S-9", "NOK", [lineFor(article, "1")]);
    await expect(r.register.sell(b)).resolves.toEqual({ acked: true });
    expect(seen.filter((s) => s.direction === "toRegister" && s.frame?.type === "nak")).toHaveLength(1);
    expect(r.handled).toEqual([{ type: "basket", ...b }]);
    expect(r.agent.counters.badCrc).toBe(1);
  });
});
