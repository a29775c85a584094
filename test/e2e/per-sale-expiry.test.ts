import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { renderScreen, type Screen } from "../../drivers/display/index.js";
import { redirectUrlOf } from "../../sim/vipps/epayment/redirect-url.js";
import type { Payment } from "../../sim/vipps/epayment/payment.js";
import { decodeQrPixels, rasterise, replayFrame } from "../helpers/terminal-screen.js";
import { newBasket, startE2E, type E2E } from "./harness.js";

/**
 * Issue 15: a per-sale QR nobody paid with expires at Vipps, and the cashier asks for a new one
 * (`pay` again, docs/register-protocol.md §7.12) — and asks again while a QR is still on the
 * display. Over the real parts; the display is the agent's own renderer, drawn at 80×24 and read
 * back with a QR decoder. At no moment are two payments for the sale live at Vipps.
 */
describe("end to end: a per-sale QR expires and the cashier asks for a new one", () => {
  let e2e: E2E;
  const shown: Screen[] = [];
  beforeAll(async () => {
    e2e = await startE2E({
      system: { config: { checkout: { identification: "per-sale" } } },
      parts: {
        screen: {
          show: (screen) => {
            shown.push(screen);
            return Promise.resolve();
          },
        },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  const LIVE = new Set(["CREATED", "AUTHORIZED"]);
  const forSale = (saleId: string): Payment[] =>
    e2e.system.sim.control.payments().filter((p) => p.metadata?.saleId === saleId);
  /** What a phone camera reads off the display now: the last screen drawn at 80×24. */
  const displayedQr = (): string | undefined => {
    const screen = shown.at(-1);
    if (screen === undefined) return undefined;
    const size = { columns: 80, rows: 24 };
    const drawn = replayFrame(
      renderScreen(screen, { ...size, language: "en", brand: "auto", currency: "NOK" }),
      size.rows,
      size.columns,
    );
    return decodeQrPixels(rasterise(drawn))?.data;
  };
  /** Waits for the sale's per-sale payment `n` (1-based) and its QR on the display. */
  const nthQrOnDisplay = async (saleId: string, n: number): Promise<Payment> => {
    const payment = await vi.waitFor(
      () => {
        const all = forSale(saleId);
        expect(all).toHaveLength(n);
        return all[n - 1]!;
      },
      { timeout: 15_000 },
    );
    expect(payment.userFlow).toBe("QR");
    await vi.waitFor(() => expect(displayedQr()).toBe(redirectUrlOf(payment)), { timeout: 15_000 });
    return payment;
  };

  it("expired → waiting_for_customer QR_EXPIRED and no QR shown; pay again → a new QR; pay while one is shown → it is withdrawn first; the last one pays", async () => {
    const basket = newBasket();
    expect(await e2e.register.sell(basket)).toEqual({ acked: true });
    expect(await e2e.register.pay(basket.saleId)).toEqual({ acked: true });
    const first = await nthQrOnDisplay(basket.saleId, 1);

    // Nobody paid with it in time: Vipps lets it expire; the register hears it, the QR goes away.
    e2e.system.sim.control.expirePayment(first.reference);
    const expired = await e2e.register.waitForSale(
      basket.saleId,
      (m) => m.state === "waiting_for_customer" && m.reason === "QR_EXPIRED",
      15_000,
    );
    expect(expired.final).toBe(false);
    await vi.waitFor(() => expect(displayedQr()).toBeUndefined(), { timeout: 10_000 });

    // The cashier asks for a new code: a new payment, a new reference, its QR on the display.
    expect(await e2e.register.pay(basket.saleId)).toEqual({ acked: true });
    const second = await nthQrOnDisplay(basket.saleId, 2);
    expect(second.reference).not.toBe(first.reference);
    expect(forSale(basket.saleId).filter((p) => LIVE.has(p.state))).toHaveLength(1);

    // The cashier asks again while the second is on the display: it is withdrawn before the third.
    expect(await e2e.register.pay(basket.saleId)).toEqual({ acked: true });
    const third = await nthQrOnDisplay(basket.saleId, 3);
    expect(e2e.system.sim.control.payment(second.reference).state).toBe("TERMINATED");
    const thirdCreated = third.events.find((e) => e.name === "CREATED")!.timestamp;
    const secondEnded = e2e.system.sim.control
      .payment(second.reference)
      .events.find((e) => e.name === "TERMINATED")!.timestamp;
    expect(Date.parse(secondEnded)).toBeLessThanOrEqual(Date.parse(thirdCreated));

    // A stale code cannot pay: the app says so; the shown one pays the basket, once.
    expect(() =>
      e2e.system.sim.control.scanPaymentQr({ qrContent: redirectUrlOf(second)!, msisdn: "4791234567" }),
    ).toThrow(/TERMINATED|the app reports/);
    e2e.system.sim.control.scanPaymentQr({ qrContent: displayedQr()!, msisdn: "4791234567" });
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 30_000);
    expect(final).toMatchObject({
      state: "captured",
      capturedAmount: basket.total,
      reference: third.reference,
    });
    expect(forSale(basket.saleId).map((p) => [p.reference, p.state, p.captured])).toEqual([
      [first.reference, "EXPIRED", 0],
      [second.reference, "TERMINATED", 0],
      [third.reference, "AUTHORIZED", basket.total],
    ]);
  });
});
