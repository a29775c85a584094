import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import {
  createMemoryCable,
  createRegisterLink,
  encodeFrame,
  type RegisterCommand,
  type RegisterLink,
  type SaleMessage,
} from "../../drivers/register/index.js";
import { CATALOGUE, lineFor, makeBasket } from "./catalogue.js";
import { createReferenceRegister, type ReferenceRegister } from "./reference-register.js";

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

const article = CATALOGUE[0];
if (article === undefined) throw new Error("empty catalogue");
const basket = makeBasket("S-1", "NOK", [lineFor(article, "2")]);
const timing = { ackTimeoutMs: 1000, maxRetransmits: 3, heartbeatIntervalMs: 0 };

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
});

/** An agent whose answers the test decides; it records every command. */
function agentOn(
  cable: ReturnType<typeof createMemoryCable>,
  clock: ManualClock,
  answer: (c: RegisterCommand, link: RegisterLink) => void = () => undefined,
) {
  const got: RegisterCommand[] = [];
  const link: RegisterLink = createRegisterLink({
    ...timing,
    transport: cable.a,
    clock,
    tillId: "kasse1",
    software: "t",
    handler: (c) => {
      got.push(c);
      setImmediate(() => answer(c, link));
      return { ok: true };
    },
  });
  stops.push(() => link.stop());
  return { link, got };
}

async function rig(answer?: (c: RegisterCommand, link: RegisterLink) => void): Promise<{
  clock: ManualClock;
  cable: ReturnType<typeof createMemoryCable>;
  register: ReferenceRegister;
  agent: ReturnType<typeof agentOn>;
}> {
  const clock = new ManualClock(0);
  const cable = createMemoryCable({ clock, reopenDelayMs: 100 });
  const agent = agentOn(cable, clock, answer);
  const register = createReferenceRegister({ transport: cable.b, clock, ...timing });
  stops.push(() => register.stop());
  register.start();
  agent.link.start();
  await flush();
  clock.advance(1000);
  await flush();
  expect(register.state).toBe("up");
  return { clock, cable, register, agent };
}

const captured: SaleMessage = {
  type: "sale",
  saleId: "S-1",
  state: "captured",
  final: true,
  amount: basket.total,
  capturedAmount: basket.total,
};

describe("reference register", () => {
  it("sells and asks for payment; the pay total defaults to the basket's", async () => {
    const { register, agent } = await rig();
    await expect(register.sell(basket)).resolves.toEqual({ acked: true });
    await expect(register.pay("S-1")).resolves.toEqual({ acked: true });
    expect(agent.got).toEqual([
      { type: "basket", ...basket },
      { type: "pay", saleId: "S-1", total: basket.total },
    ]);
    expect(register.sale("S-1")).toMatchObject({ basket, payRequested: true, final: false });
  });

  it("acks the agent's reports, remembers the outcome and resolves waiters, before and after it came", async () => {
    const { register, agent } = await rig();
    const waiting = register.waitForSale("S-1");
    await expect(
      agent.link.send({ type: "sale", saleId: "S-1", state: "payment_requested", final: false }),
    ).resolves.toEqual({ acked: true });
    await expect(agent.link.send(captured)).resolves.toEqual({ acked: true });
    await expect(waiting).resolves.toEqual(captured);
    await expect(register.waitForSale("S-1")).resolves.toEqual(captured);
    await agent.link.send({
      type: "receipt",
      saleId: "S-1",
      printed: false,
      copy: false,
      error: "PRINTER_UNAVAILABLE",
    });
    await expect(register.waitForReceipt("S-1")).resolves.toEqual({
      type: "receipt",
      saleId: "S-1",
      printed: false,
      copy: false,
      error: "PRINTER_UNAVAILABLE",
    });
    // A newer report and a repeat of it (re-sent after a hello): both acked, the last one kept.
    const printed = { type: "receipt", saleId: "S-1", printed: true, copy: false } as const;
    await expect(agent.link.send(printed)).resolves.toEqual({ acked: true });
    await expect(agent.link.send(printed)).resolves.toEqual({ acked: true });
    await expect(agent.link.send(captured)).resolves.toEqual({ acked: true });
    expect(register.sale("S-1")).toMatchObject({ state: "captured", final: true, receipt: printed });
    expect(register.sale("S-1")?.receipts).toHaveLength(3);
  });

  it("refuses a malformed report from the agent with the code, remembering nothing", async () => {
    const { register, cable } = await rig();
    await cable.a.write(
      encodeFrame({ v: 1, seq: 40, type: "sale", saleId: "S-1", state: "captured", final: false }),
    );
    await flush();
    expect(register.sale("S-1")).toBeUndefined();
    expect(register.link.counters.refusedOut).toBe(1);
  });

  it("times a waiter out with SIM_TIMEOUT", async () => {
    const { register, clock } = await rig();
    const waiting = register.waitForSale("S-7", undefined, 5000).catch((e: unknown) => e);
    clock.advance(5000);
    expect(await waiting).toMatchObject({ code: "SIM_TIMEOUT" });
  });

  it("checks what it sends, except through sendRaw, and records the agent's refusals", async () => {
    const { register } = await rig();
    await expect(register.sell({ ...basket, total: basket.total + 1 })).rejects.toMatchObject({
      code: "REGISTER_BAD_MESSAGE",
    });
    await expect(
      register.sendRaw({ type: "basket", ...basket, total: basket.total + 1 }),
    ).resolves.toMatchObject({
      refused: { code: "BASKET_TOTAL_MISMATCH" },
    });
    expect(register.sale("S-1")?.refusals).toMatchObject([{ type: "basket", code: "BASKET_TOTAL_MISMATCH" }]);
  });

  it("asks for the status of an unfinished sale after the agent restarts (at once: its hello has a new session), and learns the outcome", async () => {
    const { register, cable, clock, agent } = await rig();
    await register.sell(basket);
    await register.pay("S-1");
    await agent.link.stop();
    const restarted = agentOn(cable, clock, (c, link) => {
      if (c.type === "status") void link.send(captured);
    });
    restarted.link.start();
    await flush();
    expect(restarted.link.state).toBe("up");
    expect(restarted.got).toEqual([{ type: "status", saleId: "S-1" }]);
    expect(register.link.peer?.session).toMatch(/^[0-9a-f]{16}$/);
    clock.advance(1000);
    await flush();
    expect(register.sale("S-1")).toMatchObject({ state: "captured", final: true });
  });
});
