import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemberStore } from "../../agent/loyalty/index.js";
import { JOURNAL_FILE } from "../../agent/journal/journal-access.js";
import { openDatabase } from "../../agent/store/database.js";
import { tillTopic } from "../../lib/mqtt-contract/index.js";
import type { SaleEventMessage } from "../../lib/mqtt-contract/sale-event.js";
import { decodeEscPos } from "../helpers/escpos-decode.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../helpers/escpos-test-printer.js";
import { newBasket, scan, startE2E, type E2E } from "./harness.js";

/**
 * The seed's richer flow over real parts: the scan's token exchanged for the phone number at the
 * simulator, the member looked up in the built-in store, member prices from the register,
 * enrollment through Vipps Login (CIBA) — and the member id on the receipt and the sale event.
 */
describe("end to end: loyalty", () => {
  let e2e: E2E;
  let printer: TcpTestPrinter;
  let events: mqtt.MqttClient;
  const saleEvents: SaleEventMessage[] = [];

  beforeAll(async () => {
    printer = await startTcpTestPrinter("online");
    e2e = await startE2E({
      system: {
        config: {
          loyalty: { mode: "enroll", memberBasketWindowMs: 5_000 },
          // The token deadline comes 30 s before the token's end: 30 s after the scan here.
          checkout: { checkinMaxAgeSeconds: 60 },
          printer: { uri: `tcp://127.0.0.1:${printer.port}` },
        },
      },
    });
    const db = openDatabase(join(e2e.system.loaded.config.storage.directory, JOURNAL_FILE));
    const now = Date.now();
    new MemberStore(db).write({
      memberId: "M-77",
      msisdn: "4793000001",
      tier: "gold",
      displayName: "Kari",
      enrolledAt: now,
      lastSeenAt: now,
    });
    db.close();
    events = await mqtt.connectAsync(e2e.broker.url);
    const { loaded } = e2e.system;
    await events.subscribeAsync(
      tillTopic(loaded.config.mqtt.topicPrefix, loaded.config.vipps.msn, loaded.config.till.id, "sales"),
      { qos: 1 },
    );
    events.on("message", (_topic, payload) =>
      saleEvents.push(JSON.parse(payload.toString("utf8")) as SaleEventMessage),
    );
  }, 60_000);
  afterAll(async () => {
    await events?.endAsync();
    await e2e?.stop();
    await printer?.close();
  });

  const receiptText = (reference: string): string =>
    printer.sessions.map((s) => decodeEscPos(s).lines.join("\n")).find((t) => t.includes(reference)) ?? "";
  const eventFor = (reference: string | undefined) =>
    saleEvents.find((e) => e.reference === reference && e.type === "sale.captured");

  it("a member: identified, member prices applied, paid; the member id on the receipt and the sale event", async () => {
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4793000001");
    const identified = await e2e.register.waitForSale(basket.saleId, (m) => m.member !== undefined, 20_000);
    expect(identified).toMatchObject({ state: "customer_identified", member: { id: "M-77", tier: "gold" } });
    const memberBasket = {
      ...basket,
      lines: basket.lines.map((l) => ({ ...l, total: l.total - 100, discount: 100 })),
      total: basket.total - 200,
    };
    expect(await e2e.register.sell(memberBasket)).toEqual({ acked: true });
    expect(await e2e.register.pay(basket.saleId, memberBasket.total)).toEqual({ acked: true });
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    expect(final).toMatchObject({
      state: "captured",
      capturedAmount: basket.total - 200,
      member: { id: "M-77" },
    });
    await e2e.register.waitForReceipt(basket.saleId, 20_000);
    expect(receiptText(final.reference ?? "?")).toContain("M-77");
    await expect.poll(() => eventFor(final.reference)?.memberId, { timeout: 20_000 }).toBe("M-77");
  });

  it("not a member: asked to join in the app, approves, enrolled, then pays", async () => {
    e2e.system.sim.control.setCustomer("4793000002", { login: { action: "approve", afterMs: 500 } });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4793000002");
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 40_000);
    expect(final).toMatchObject({ state: "captured", capturedAmount: basket.total });
    expect(final.member?.id).toMatch(/^M/);
    await expect.poll(() => eventFor(final.reference)?.memberId, { timeout: 20_000 }).toBe(final.member?.id);
  });

  it("declines to join: pays without loyalty", async () => {
    e2e.system.sim.control.setCustomer("4793000003", { login: { action: "decline", afterMs: 300 } });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4793000003");
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 40_000);
    expect(final).toMatchObject({ state: "captured" });
    expect(final.member).toBeUndefined();
  });

  it("the login outlasts the scan's token: the customer is asked to scan again, and the sale is not lost", async () => {
    e2e.system.sim.control.setCustomer("4793000004", { login: { action: "ignore" } });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4793000004");
    const again = await e2e.register.waitForSale(basket.saleId, (m) => m.reason === "TOKEN_EXPIRED", 45_000);
    expect(again).toMatchObject({ state: "waiting_for_customer", final: false });
    e2e.system.sim.control.setCustomer("4793000004", { login: { action: "decline", afterMs: 100 } });
    scan(e2e, "4793000004");
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 40_000);
    expect(final).toMatchObject({ state: "captured" });
  }, 90_000);
});
