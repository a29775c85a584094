import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { startRegisterRig, type RegisterRig } from "../../test/helpers/register-rig.js";
import { lineFor, makeBasket, findArticle, CATALOGUE } from "../../sim/register/catalogue.js";
import type { Basket, BasketLine } from "./messages.js";

/**
 * The register link over a REAL serial device: a pty pair from socat, with the agent's link on
 * one end and the reference register on the other (docs/register-protocol.md end to end).
 */

const WAIT = { timeout: 20_000, interval: 20 };
const kaffe = findArticle("kaffe") ?? CATALOGUE[0];
if (kaffe === undefined) throw new Error("empty catalogue");
const basket = (saleId: string, lines: BasketLine[] = [lineFor(kaffe, "2")]): Basket =>
  makeBasket(saleId, "NOK", lines);

let dir: ReturnType<typeof tempDir>;
let rig: RegisterRig | undefined;
beforeEach(() => {
  dir = tempDir("register-pty-");
});
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
  dir.cleanup();
});

async function upRig(ackTimeoutMs?: number): Promise<RegisterRig> {
  rig = await startRegisterRig({ dir: dir.path, ...(ackTimeoutMs === undefined ? {} : { ackTimeoutMs }) });
  const r = rig;
  await vi.waitFor(() => {
    expect(r.agent.state).toBe("up");
    expect(r.register.state).toBe("up");
  }, WAIT);
  return r;
}

describe("register link over a real pty pair", () => {
  it("completes the hello exchange: each side knows the other", async () => {
    const r = await upRig();
    expect(r.agent.peer).toMatchObject({
      type: "hello",
      role: "register",
      id: "reference-register",
      protocol: 1,
    });
    expect(r.register.link.peer).toMatchObject({ type: "hello", role: "agent", till: "kasse1", protocol: 1 });
  });

  it("basket → pay: each command acked and handled once, the register told the sale's state", async () => {
    const r = await upRig();
    const b = basket("S-1001", [lineFor(kaffe, "2"), lineFor(kaffe, "1", 500)]);
    await expect(r.register.sell(b)).resolves.toEqual({ acked: true });
    await expect(r.register.pay("S-1001")).resolves.toEqual({ acked: true });
    expect(r.handled).toEqual([
      { type: "basket", ...b },
      { type: "pay", saleId: "S-1001", total: b.total },
    ]);
    const report = await r.register.waitForSale("S-1001", (m) => m.state === "waiting_for_customer", 10_000);
    expect(report).toEqual({
      type: "sale",
      saleId: "S-1001",
      state: "waiting_for_customer",
      final: false,
      amount: b.total,
    });

    // The agent reports the capture; the register acks it and remembers the outcome.
    await expect(
      r.agent.send({
        type: "sale",
        saleId: "S-1001",
        state: "captured",
        final: true,
        amount: b.total,
        capturedAmount: b.total,
        pspReference: "psp-1",
      }),
    ).resolves.toEqual({ acked: true });
    expect(r.register.sale("S-1001")).toMatchObject({ state: "captured", final: true, payRequested: true });
  });

  it("refuses each invalid basket with its code, and the refused basket changes nothing", async () => {
    const r = await upRig();
    const good = basket("S-2001");
    await r.register.sell(good);
    const line = lineFor(kaffe, "2");
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ["totals mismatch", { ...good, total: good.total + 1 }, "BASKET_TOTAL_MISMATCH", /not the sum/],
      [
        "negative amount",
        { ...good, lines: [{ ...line, unitPrice: -2450 }] },
        "BAD_FIELD",
        /^lines\[0\]\.unitPrice: /,
      ],
      [
        "fractional amount",
        { ...good, lines: [{ ...line, total: 4900.5 }], total: 4900.5 },
        "BAD_FIELD",
        /^lines\[0\]\.total: /,
      ],
      ["unknown currency", { ...good, currency: "SEK" }, "BAD_CURRENCY", /^currency: /],
      [
        "201 lines",
        {
          ...good,
          lines: Array.from({ length: 201 }, () => ({ ...line, total: 1, unitPrice: 1, quantity: "1" })),
          total: 201,
        },
        "BAD_FIELD",
        /^lines: at most 200 lines/,
      ],
    ];
    for (const [what, message, code, text] of cases) {
      const result = await r.register.sendRaw({ type: "basket", ...message });
      expect(result, what).toMatchObject({ refused: { code } });
      if ("refused" in result) expect(result.refused.message, what).toMatch(text);
    }
    // None of them reached the handler; the sale still has its good basket.
    expect(r.handled).toEqual([{ type: "basket", ...good }]);
    expect(r.tracker.get("S-2001")?.basket).toEqual(good);

    // A basket after pay: refused SALE_LOCKED by the agent's handler; the locked basket stays.
    await expect(r.register.pay("S-2001")).resolves.toEqual({ acked: true });
    const changed = basket("S-2001", [lineFor(kaffe, "3")]);
    await expect(r.register.sell(changed)).resolves.toMatchObject({ refused: { code: "SALE_LOCKED" } });
    expect(r.tracker.get("S-2001")).toMatchObject({
      basket: good,
      state: "waiting_for_customer",
      locked: true,
    });
    await r.register.status("S-2001");
    await vi.waitFor(
      () =>
        expect(r.register.sale("S-2001")?.reports.at(-1)).toMatchObject({
          state: "waiting_for_customer",
          amount: good.total,
        }),
      WAIT,
    );
    expect(r.register.sale("S-2001")?.refusals.map((x) => x.code)).toEqual([
      "BASKET_TOTAL_MISMATCH",
      "BAD_FIELD",
      "BAD_FIELD",
      "BAD_CURRENCY",
      "BAD_FIELD",
      "SALE_LOCKED",
    ]);
  });

  it("recognises a restarted agent at once: a new agent link on the same device, a few hundred ms later, is up within one ack timeout", async () => {
    // A 3 s ack timeout makes the register's settle window 12 s: the old time rule alone
    // would only ack the new hello and leave the new agent waiting for 12 s, then reopening.
    const ackTimeoutMs = 3000;
    const r = await upRig(ackTimeoutMs);
    const registerStates: string[] = [];
    r.register.link.onStateChange((s) => registerStates.push(s));
    const hellos: Record<string, unknown>[] = [];
    r.register.link.onTraffic((e) => {
      if ("frame" in e && e.frame.type === "hello") hellos.push({ direction: e.direction, ...e.frame });
    });
    const firstAgentSession = r.register.link.peer?.session;
    const agent = await r.restartAgent(300);
    const agentStates: string[] = [];
    agent.onStateChange((s) => agentStates.push(s));
    const started = Date.now();
    agent.start();
    await agent.waitForState("up", 20_000);
    const tookMs = Date.now() - started;
    expect(tookMs).toBeLessThan(ackTimeoutMs);
    expect(agentStates).toEqual(["opening", "handshaking", "up"]);
    await vi.waitFor(() => expect(registerStates).toEqual(["handshaking", "up"]), WAIT);
    // One hello each way: the new agent's (a new session) and the register's answer.
    expect(hellos.map((h) => h.direction)).toEqual(["in", "out"]);
    expect(hellos[0]?.session).toEqual(expect.any(String));
    expect(hellos[0]?.session).not.toBe(firstAgentSession);

    // A report right after "up" is acked, and a command reaches the new agent.
    await expect(
      agent.send({ type: "sale", saleId: "S-4001", state: "cancelled", final: true }),
    ).resolves.toEqual({ acked: true });
    expect(r.register.sale("S-4001")).toMatchObject({ state: "cancelled", final: true });
    await expect(r.register.sell(basket("S-4002"))).resolves.toEqual({ acked: true });
    expect(r.handled.map((c) => c.type)).toEqual(["basket"]);
    expect(agent.counters.retransmits).toBe(0);
  });

  it("recovers by itself when the cable is unplugged and plugged back in", async () => {
    const r = await upRig();
    await r.pair.unplug();
    await vi.waitFor(() => {
      expect(r.agent.state).not.toBe("up");
      expect(r.register.state).not.toBe("up");
    }, WAIT);
    await expect(r.register.sell(basket("S-3001"))).rejects.toMatchObject({ code: "REGISTER_DOWN" });
    await r.pair.replug();
    await vi.waitFor(() => {
      expect(r.agent.state).toBe("up");
      expect(r.register.state).toBe("up");
    }, WAIT);
    await expect(r.register.sell(basket("S-3001"))).resolves.toEqual({ acked: true });
    await expect(
      r.agent.send({ type: "sale", saleId: "S-3001", state: "cancelled", final: true }),
    ).resolves.toEqual({ acked: true });
    expect(r.handled.map((c) => c.type)).toEqual(["basket"]);
  });
});
