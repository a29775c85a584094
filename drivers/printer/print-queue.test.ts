import { describe, expect, it, vi } from "vitest";
import { AgentError, isAgentError } from "../../lib/errors.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { saleReceipt } from "../../test/helpers/receipt-fixtures.js";
import type { PrintDocument, PrintOutcome, ReceiptPrinter } from "./index.js";
import { FakePrinter, PrintQueue } from "./index.js";

function setup(status: "online" | "paper_out" | "offline" = "online") {
  const clock = new ManualClock();
  const printer = new FakePrinter({ timeZone: "Europe/Oslo" });
  printer.setStatus(status);
  const outcomes: PrintOutcome[] = [];
  const queue = new PrintQueue(printer, {
    retryIntervalMs: 15_000,
    columns: 42,
    clock,
    onOutcome: (o) => outcomes.push(o),
  });
  return { clock, printer, outcomes, queue };
}

const receipt = (receiptNumber: string) => saleReceipt({ receiptNumber });

describe("PrintQueue", () => {
  it("prints in order and reports each job", async () => {
    const { printer, outcomes, queue } = setup();
    expect(queue.enqueue({ id: "a", document: receipt("1") })).toBe("a");
    queue.enqueue({ id: "b", document: receipt("2") });
    await vi.waitFor(() => expect(outcomes).toHaveLength(2));
    expect(outcomes).toEqual([
      { jobId: "a", printed: true, attempt: 1 },
      { jobId: "b", printed: true, attempt: 1 },
    ]);
    expect(printer.printed.map((p) => p.text.includes("Kvittering nr. 1"))).toEqual([true, false]);
    expect(queue.pending).toEqual([]);
  });

  it("keeps a job while paper is out, reports every attempt, and prints it after a refill", async () => {
    const { clock, printer, outcomes, queue } = setup("paper_out");
    queue.enqueue({ id: "sale-1", document: receipt("1") });
    queue.enqueue({ id: "sale-2", document: receipt("2") });
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]).toEqual({
      jobId: "sale-1",
      printed: false,
      error: "PRINTER_PAPER_OUT",
      attempt: 1,
      willRetry: true,
    });
    expect(queue.pending).toEqual(["sale-1", "sale-2"]);

    clock.advance(14_999);
    await Promise.resolve();
    expect(outcomes).toHaveLength(1);
    clock.advance(1);
    await vi.waitFor(() => expect(outcomes).toHaveLength(2));
    expect(outcomes[1]).toMatchObject({ jobId: "sale-1", printed: false, attempt: 2, willRetry: true });

    printer.setStatus("online");
    clock.advance(15_000);
    await vi.waitFor(() => expect(outcomes).toHaveLength(4));
    expect(outcomes.slice(2)).toEqual([
      { jobId: "sale-1", printed: true, attempt: 3 },
      { jobId: "sale-2", printed: true, attempt: 1 },
    ]);
    expect(printer.printed).toHaveLength(2);
  });

  it("returns at once even when the printer hangs", () => {
    const stuck: ReceiptPrinter = {
      status: () => new Promise(() => undefined),
      print: () => new Promise(() => undefined),
      close: () => Promise.resolve(),
    };
    const queue = new PrintQueue(stuck, { retryIntervalMs: 1_000, columns: 42, clock: new ManualClock() });
    // enqueue is synchronous: reaching the next line at all means the caller was not held up.
    expect(queue.enqueue({ id: "x", document: receipt("1") })).toBe("x");
    expect(queue.enqueue({ id: "y", document: receipt("2") })).toBe("y");
    expect(queue.pending).toEqual(["x", "y"]);
  });

  it("refuses a bad document and queues nothing", () => {
    const { queue, outcomes } = setup();
    let caught: unknown;
    try {
      queue.enqueue({ id: "bad", document: saleReceipt({ total: 1 }) });
    } catch (error) {
      caught = error;
    }
    expect(isAgentError(caught, "PRINTER_BAD_DOCUMENT")).toBe(true);
    expect(queue.pending).toEqual([]);
    expect(outcomes).toEqual([]);
  });

  it("does not queue the same job id twice", async () => {
    const { clock, printer, outcomes, queue } = setup("offline");
    queue.enqueue({ id: "r", document: receipt("1") });
    queue.enqueue({ id: "r", document: receipt("1") });
    expect(queue.pending).toEqual(["r"]);
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]).toMatchObject({ error: "PRINTER_OFFLINE", willRetry: true });
    printer.setStatus("online");
    clock.advance(15_000);
    await vi.waitFor(() => expect(printer.printed).toHaveLength(1));
  });

  it("drops a job the printer refuses for good, and goes on with the next", async () => {
    const outcomes: PrintOutcome[] = [];
    const clock = new ManualClock();
    let crash = true;
    const picky: ReceiptPrinter = {
      status: () => Promise.resolve({ status: "online", detail: "" }),
      print: (doc: PrintDocument) => {
        if (doc.kind === "sale" && doc.receiptNumber === "1")
          return Promise.reject(new AgentError("PRINTER_BAD_CONFIG", "model"));
        if (doc.kind === "sale" && doc.receiptNumber === "2" && crash)
          return Promise.reject(new Error("unexpected"));
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    const queue = new PrintQueue(picky, {
      retryIntervalMs: 1_000,
      columns: 42,
      clock,
      onOutcome: (o) => outcomes.push(o),
    });
    queue.enqueue({ id: "1", document: receipt("1") });
    queue.enqueue({ id: "2", document: receipt("2") });
    await vi.waitFor(() => expect(outcomes).toHaveLength(2));
    expect(outcomes[0]).toEqual({
      jobId: "1",
      printed: false,
      error: "PRINTER_BAD_CONFIG",
      attempt: 1,
      willRetry: false,
    });
    // Anything unexpected counts as a failed write: retried, never lost.
    expect(outcomes[1]).toEqual({
      jobId: "2",
      printed: false,
      error: "PRINTER_WRITE_FAILED",
      attempt: 1,
      willRetry: true,
    });
    expect(queue.pending).toEqual(["2"]);
    crash = false;
    clock.advance(1_000);
    await vi.waitFor(() => expect(outcomes).toHaveLength(3));
    expect(outcomes[2]).toEqual({ jobId: "2", printed: true, attempt: 2 });
  });

  it("cancels a waiting job and stops retrying when closed", async () => {
    const { clock, outcomes, queue } = setup("paper_out");
    queue.enqueue({ id: "a", document: receipt("1") });
    queue.enqueue({ id: "b", document: receipt("2") });
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(queue.cancel("b")).toBe(true);
    expect(queue.cancel("nope")).toBe(false);
    expect(queue.pending).toEqual(["a"]);
    await queue.close();
    clock.advance(60_000);
    await Promise.resolve();
    expect(outcomes).toHaveLength(1);
    expect(clock.pending).toBe(0);
    expect(() => queue.enqueue({ id: "c", document: receipt("3") })).toThrow(/closed/);
  });

  it("awaits beforePrint right before every attempt, and retries when it fails", async () => {
    const clock = new ManualClock();
    const printer = new FakePrinter();
    const calls: string[] = [];
    let journalUp = false;
    const outcomes: PrintOutcome[] = [];
    const queue = new PrintQueue(printer, {
      retryIntervalMs: 1_000,
      columns: 42,
      clock,
      onOutcome: (o) => outcomes.push(o),
      beforePrint: async (job, attempt) => {
        calls.push(`${job.id}#${attempt}:printed=${printer.printed.length}`);
        await Promise.resolve();
        if (!journalUp) throw new Error("journal busy");
      },
    });
    queue.enqueue({ id: "a", document: receipt("1") });
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]).toMatchObject({
      jobId: "a",
      printed: false,
      error: "PRINTER_WRITE_FAILED",
      willRetry: true,
    });
    expect(printer.printed).toHaveLength(0);
    journalUp = true;
    clock.advance(1_000);
    await vi.waitFor(() => expect(outcomes).toHaveLength(2));
    expect(calls).toEqual(["a#1:printed=0", "a#2:printed=0"]);
    expect(printer.printed).toHaveLength(1);
  });

  it("survives a listener that throws", async () => {
    const { printer, queue } = setup();
    queue.onOutcome(() => {
      throw new Error("listener bug");
    });
    const seen: PrintOutcome[] = [];
    const unsubscribe = queue.onOutcome((o) => seen.push(o));
    queue.enqueue({ id: "a", document: receipt("1") });
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    unsubscribe();
    queue.enqueue({ id: "b", document: receipt("2") });
    await vi.waitFor(() => expect(printer.printed).toHaveLength(2));
    expect(seen).toHaveLength(1);
  });
});
