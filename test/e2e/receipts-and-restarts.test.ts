import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { decodeEscPos } from "../helpers/escpos-decode.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../helpers/escpos-test-printer.js";
import { newBasket, scan, startE2E, type E2E } from "./harness.js";

/**
 * Receipts on a real (TCP) printer, and everything that restarts: the register, the agent, the
 * broker, the cable — each while a sale is under way.
 */
describe("end to end: receipts and restarts", () => {
  let e2e: E2E;
  let printer: TcpTestPrinter;
  beforeAll(async () => {
    printer = await startTcpTestPrinter("online");
    e2e = await startE2E({
      system: {
        config: {
          printer: {
            uri: `tcp://127.0.0.1:${printer.port}`,
            retryIntervalMs: 1_000,
            header: ["Kaffebaren AS"],
          },
        },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await e2e?.stop();
    await printer?.close();
  });

  const printed = (): string[] => printer.sessions.flatMap((s) => decodeEscPos(s).lines);

  it("prints the receipt and tells the register", async () => {
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e);
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    const receipt = await e2e.register.waitForReceipt(basket.saleId, 20_000);
    expect(receipt).toMatchObject({ printed: true, copy: false });
    const text = printed().join("\n");
    expect(text).toContain("Kaffebaren AS");
    expect(text).toContain(final.reference ?? "?");
    expect(text).not.toContain("COPY");
  });

  it("out of paper: the sale completes, the receipt waits and prints once paper is back", async () => {
    printer.state = "paper_out";
    const before = printer.sessions.length;
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e);
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    expect(final).toMatchObject({ state: "captured" });
    expect(await e2e.register.waitForReceipt(basket.saleId, 20_000)).toMatchObject({ printed: false });
    printer.state = "online";
    await vi.waitFor(
      () => expect(e2e.register.sale(basket.saleId)?.receipts.some((r) => r.printed)).toBe(true),
      { timeout: 20_000 },
    );
    const text = printer.sessions
      .slice(before)
      .flatMap((s) => decodeEscPos(s).lines)
      .join("\n");
    expect(text).toContain(final.reference ?? "?");
    expect(text).not.toContain("COPY");
  });

  it("the register restarts mid-sale and asks for the status: it learns the outcome", async () => {
    e2e.system.sim.control.setCustomer("4791000001", { payment: { action: "approve", afterMs: 2_000 } });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4791000001");
    await e2e.register.waitForSale(basket.saleId, (m) => m.state === "payment_requested", 20_000);
    // The register loses power: its link drops; when it is back it says hello and asks `status`.
    await e2e.cable.unplug();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await e2e.cable.replug();
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 30_000);
    expect(final).toMatchObject({ state: "captured", final: true });
  });

  it("the agent restarts while the register is unreachable: the final state is re-sent until acked", async () => {
    e2e.system.sim.control.setCustomer("4791000002", { payment: { action: "approve", afterMs: 1_500 } });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4791000002");
    await e2e.register.waitForSale(basket.saleId, (m) => m.state === "payment_requested", 20_000);
    await e2e.cable.unplug();
    await vi.waitFor(
      () =>
        expect(e2e.agent.journal.pendingRegisterMessages().some((m) => m.saleId === basket.saleId)).toBe(
          true,
        ),
      { timeout: 20_000 },
    );
    await e2e.restartAgent(undefined, { waitForRegister: false });
    await e2e.cable.replug();
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 30_000);
    expect(final).toMatchObject({ state: "captured", capturedAmount: basket.total });
    await vi.waitFor(() => expect(e2e.agent.journal.pendingRegisterMessages()).toEqual([]), {
      timeout: 20_000,
    });
  });

  it("the broker is down after the scan: polling carries the sale to captured", async () => {
    e2e.system.sim.control.setCustomer("4791000003", { payment: { action: "approve", afterMs: 500 } });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4791000003");
    await e2e.register.waitForSale(basket.saleId, (m) => m.state === "payment_requested", 20_000);
    await e2e.broker.stop();
    try {
      const final = await e2e.register.waitForSale(basket.saleId, undefined, 30_000);
      expect(final).toMatchObject({ state: "captured" });
      const calls = e2e.system.sim.control
        .requests()
        .filter((r) => r.reference === final.reference)
        .map((r) => r.endpoint);
      expect(calls).toContain("epayment.get");
    } finally {
      await e2e.broker.start();
    }
  });
});
