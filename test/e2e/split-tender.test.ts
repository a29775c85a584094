import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RECEIPT_TEXTS } from "../../drivers/printer/receipt-texts.js";
import { formatAmount } from "../../lib/locale/index.js";
import { tillTopic } from "../../lib/mqtt-contract/index.js";
import type { SaleEventMessage } from "../../lib/mqtt-contract/sale-event.js";
import { CATALOGUE, lineFor, makeBasket } from "../../sim/register/catalogue.js";
import { decodeEscPos } from "../helpers/escpos-decode.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../helpers/escpos-test-printer.js";
import { scan, startE2E, type E2E } from "./harness.js";

/**
 * Item 2 of issue 20 over real parts: the reference register over a pty takes part of a basket
 * in cash and asks the agent to collect the rest; the agent asks the Vipps simulator over HTTP
 * for that part only, prints the receipt on a TCP ESC/POS printer with both tenders, publishes
 * the sale event with the tenders through mosquitto, and the day's totals carry them.
 */
const coffee = CATALOGUE.find((a) => a.id === "kaffe");
if (coffee === undefined) throw new Error("catalogue changed");

describe("end to end: split tender", () => {
  let e2e: E2E;
  let printer: TcpTestPrinter;
  let events: mqtt.MqttClient;
  const saleEvents: SaleEventMessage[] = [];
  let n = 0;
  const saleId = (): string => `SPLIT-${process.pid}-${++n}`;

  beforeAll(async () => {
    printer = await startTcpTestPrinter("online");
    e2e = await startE2E({ system: { config: { printer: { uri: `tcp://127.0.0.1:${printer.port}` } } } });
    const { loaded } = e2e.system;
    events = await mqtt.connectAsync(e2e.broker.url);
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

  it("cash for part, Vipps MobilePay for the rest: the right amount asked, captured, printed, published and totalled", async () => {
    const basket = makeBasket(saleId(), "NOK", [lineFor(coffee, "4")]);
    const cash = 5000;
    const vipps = basket.total - cash;
    expect(await e2e.register.sell(basket)).toEqual({ acked: true });
    expect(
      await e2e.register.pay(basket.saleId, undefined, undefined, undefined, [
        { kind: "cash", amount: cash },
      ]),
    ).toEqual({ acked: true });
    scan(e2e);
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    expect(final).toMatchObject({ state: "captured", amount: vipps, capturedAmount: vipps });

    const payment = e2e.system.sim.control.payments().find((p) => p.reference === final.reference);
    expect(payment).toMatchObject({ amount: { currency: "NOK", value: vipps }, captured: vipps });

    const language = e2e.system.loaded.config.display.language;
    const text = await waitFor(() =>
      printer.sessions
        .map((s) => decodeEscPos(s).lines.join("\n"))
        .find((t) => t.includes(final.reference ?? "?")),
    );
    const money = (value: number): string => formatAmount({ value, currency: "NOK" }, language);
    expect(text).toContain(money(basket.total));
    expect(text).toMatch(new RegExp(`${RECEIPT_TEXTS[language].tender.cash} +${escape(money(cash))}`));
    expect(text).toMatch(
      new RegExp(
        `${escape(RECEIPT_TEXTS[language].paidWith.replace("{brand}", "Vipps"))} +${escape(money(vipps))}`,
      ),
    );

    const event = await waitFor(() =>
      saleEvents.find((e) => e.reference === final.reference && e.type === "sale.captured"),
    );
    expect(event).toMatchObject({ amount: { value: vipps }, tenders: [{ kind: "cash", amount: cash }] });
    expect(event.lines?.reduce((sum, l) => sum + l.totalAmount, 0)).toBe(basket.total);

    const totals = await e2e.register.totals();
    if (!("totals" in totals)) throw new Error(`totals refused: ${JSON.stringify(totals)}`);
    expect(totals.totals.tenders).toEqual([{ kind: "cash", amount: cash }]);
    expect(totals.totals.sales.captured.total).toBe(vipps);
    expect(totals.totals.vat.reduce((sum, v) => sum + v.gross, 0)).toBe(basket.total);
  });

  it("a split that does not add up, an unknown kind, a part above the total or of 0 is refused and changes nothing", async () => {
    const basket = makeBasket(saleId(), "NOK", [lineFor(coffee, "2")]);
    expect(await e2e.register.sell(basket)).toEqual({ acked: true });
    const pay = (amount: number, tenders: unknown) =>
      e2e.register.sendRaw({ type: "pay", saleId: basket.saleId, total: basket.total, amount, tenders });
    expect(await pay(4000, [{ kind: "cash", amount: 1000 }])).toMatchObject({
      refused: { code: "TENDERS_MISMATCH" },
    });
    expect(await pay(4800, [{ kind: "iou", amount: 100 }])).toMatchObject({
      refused: { code: "UNKNOWN_TENDER" },
    });
    expect(await pay(basket.total + 1, [{ kind: "cash", amount: 1 }])).toMatchObject({
      refused: { code: "AMOUNT_ABOVE_TOTAL" },
    });
    expect(await pay(0, [{ kind: "card", amount: basket.total }])).toMatchObject({
      refused: { code: "AMOUNT_OUT_OF_RANGE" },
    });
    expect(e2e.agent.runner.statusOf(basket.saleId)).toMatchObject({ state: "open" });
    expect(e2e.system.sim.control.payments().filter((p) => p.metadata?.saleId === basket.saleId)).toEqual([]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Polls until `get` finds it (the receipt and the event come after the final report). */
function waitFor<T>(get: () => T | undefined): Promise<T> {
  return vi.waitFor(
    () => {
      const value = get();
      if (value === undefined) throw new Error("not yet");
      return value;
    },
    { timeout: 10_000, interval: 50 },
  );
}
