import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { openDatabase, type Db } from "../store/database.js";
import { Journal } from "../journal/journal.js";
import { basket, SETTINGS, T0 } from "../checkout/testing/harness.js";
import { step } from "../checkout/machine.js";
import { EMPTY_TILL, type TillState } from "../checkout/till.js";
import type { Input, Transition } from "../checkout/io.js";
import { RecordingReceipts } from "./testing/fakes.js";
import { TechnicianActions, type Applied, type CheckoutAccess } from "./technician-actions.js";

/** A checkout that steps and journals each input at once, as an idle runner does. */
class JournalledCheckout implements CheckoutAccess {
  state: TillState = EMPTY_TILL;
  readonly inputs: Input[] = [];
  stopped = false;
  constructor(
    private readonly journal: Journal,
    private readonly clock: ManualClock,
  ) {}
  submit(input: Input): Applied {
    if (this.stopped) return undefined;
    this.inputs.push(input);
    const t = step(this.state, input, this.clock.now(), SETTINGS);
    if (t.acceptance?.ok !== false) {
      this.journal.record(input, t, this.clock.now(), () => undefined);
      this.state = t.till;
    }
    return t;
  }
}

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("TechnicianActions (real SQLite journal)", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let journal: Journal;
  let clock: ManualClock;
  let checkout: JournalledCheckout;
  let receipts: RecordingReceipts;
  let actions: TechnicianActions;

  /** S1 captured for 4900, with its reference. */
  function captured(): string {
    checkout.submit({ type: "basket", basket: basket("S1") });
    checkout.submit({ type: "pay", saleId: "S1", total: 4900 });
    const scan = checkout.submit({
      type: "checkin",
      checkIn: { customerToken: "t", initiatedAt: clock.now() },
    });
    const create = scan?.effects.find((e) => e.type === "vipps_create");
    const reference = create?.type === "vipps_create" ? create.reference : "";
    checkout.submit({
      type: "create_result",
      saleId: "S1",
      reference,
      result: { ok: true, value: {} },
    });
    checkout.submit({
      type: "payment_event",
      event: {
        reference,
        name: "AUTHORIZED",
        pspReference: "p",
        amount: { currency: "NOK", value: 4900 },
        success: true,
      },
    });
    checkout.submit({
      type: "capture_result",
      saleId: "S1",
      reference,
      result: { ok: true, value: { capturedAmount: 4900 } },
    });
    return reference;
  }

  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(join(dir.path, "journal.db"));
    journal = new Journal(db);
    clock = new ManualClock(T0);
    checkout = new JournalledCheckout(journal, clock);
    receipts = new RecordingReceipts();
    actions = new TechnicianActions({ checkout, journal, receipts, clock });
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  it("reprints the last captured sale as a COPY; refuses unknown, unpaid, or without a printer", () => {
    expect(
      isAgentError(
        catchSync(() => actions.reprint()),
        "UNKNOWN_SALE",
      ),
    ).toBe(true);
    checkout.submit({ type: "basket", basket: basket("S0") });
    expect(
      isAgentError(
        catchSync(() => actions.reprint("S0")),
        "NOT_CAPTURED",
      ),
    ).toBe(true);
    const reference = captured();
    expect(actions.reprint()).toEqual({ saleId: "S1", jobId: `S1:copy:${T0}` });
    expect(actions.reprint(reference).saleId).toBe("S1");
    expect(receipts.jobs.map((j) => [j.sale.saleId, j.copy])).toEqual([
      ["S1", true],
      ["S1", true],
    ]);
    receipts.configured = false;
    expect(
      isAgentError(
        catchSync(() => actions.reprint()),
        "NO_PRINTER",
      ),
    ).toBe(true);
  });

  it("a refund resolves with Vipps' definite answer, through the same input as the register's", async () => {
    const reference = captured();
    const answer = actions.refund(reference, 1000, 30_000);
    const refund = checkout.inputs.at(-1) as Input & { type: "refund" };
    expect(refund).toMatchObject({ type: "refund", saleId: "S1", amount: 1000 });
    const result: Input = {
      type: "refund_result",
      saleId: "S1",
      refundId: refund.refundId,
      result: { ok: true, value: {} },
    };
    actions.applied(result, checkout.submit(result) as Transition);
    await expect(answer).resolves.toMatchObject({
      saleId: "S1",
      state: "refunded",
      refundId: refund.refundId,
    });
  });

  it("a refund refused by the checkout rejects with its code; the full amount is the default", async () => {
    const reference = captured();
    expect(isAgentError(await caught(actions.refund(reference, 999_999, 30_000)), "REFUND_TOO_LARGE")).toBe(
      true,
    );
    void actions.refund(reference, undefined, 30_000).catch(() => undefined);
    expect(checkout.inputs.at(-1)).toMatchObject({ type: "refund", amount: 4900 });
    expect(isAgentError(await caught(actions.refund("nope", 1, 30_000)), "UNKNOWN_SALE")).toBe(true);
  });

  it("refunds another till's reference like the register's refund from any till: looked up at Vipps first", async () => {
    const foreign = "kasse2-mf3k2x9a-1";
    expect(isAgentError(await caught(actions.refund(foreign, undefined, 30_000)), "AMOUNT_REQUIRED")).toBe(
      true,
    );
    expect(checkout.inputs).toEqual([]);
    const answer = actions.refund(foreign, 1000, 30_000);
    const refund = checkout.inputs.at(-1) as Input & { type: "refund" };
    expect(refund).toMatchObject({
      type: "refund",
      amount: 1000,
      reference: foreign,
      saleId: refund.refundId,
    });
    expect(refund.refundId).toMatch(/^T/);
    const lookup: Input = {
      type: "lookup_result",
      saleId: refund.saleId,
      result: {
        ok: true,
        value: {
          snapshot: {
            state: "AUTHORIZED",
            authorizedAmount: 4900,
            capturedAmount: 4900,
            cancelledAmount: 0,
            refundedAmount: 0,
          },
          capturedAt: clock.now() - 86_400_000,
        },
      },
    };
    const looked = checkout.submit(lookup) as Transition;
    actions.applied(lookup, looked);
    expect(looked.effects.map((e) => e.type)).toContain("vipps_refund");
    const result: Input = {
      type: "refund_result",
      saleId: refund.saleId,
      refundId: refund.refundId,
      result: { ok: true, value: {} },
    };
    actions.applied(result, checkout.submit(result) as Transition);
    await expect(answer).resolves.toMatchObject({
      state: "refunded",
      reference: foreign,
      refundedAmount: 1000,
    });
  });

  it("a refund that ends without money moving rejects with Vipps' reason: unknown reference, refund failed", async () => {
    clock.advance(1);
    const unknown = caught(actions.refund("kasse9-nosuch00-1", 1000, 30_000));
    const refund = checkout.inputs.at(-1) as Input & { type: "refund" };
    const lookup: Input = {
      type: "lookup_result",
      saleId: refund.saleId,
      result: { ok: false, failure: "refused", status: 404 },
    };
    actions.applied(lookup, checkout.submit(lookup) as Transition);
    expect(isAgentError(await unknown, "REFERENCE_UNKNOWN")).toBe(true);

    const reference = captured();
    const failed = caught(actions.refund(reference, 1000, 30_000));
    const own = checkout.inputs.at(-1) as Input & { type: "refund" };
    const result: Input = {
      type: "refund_result",
      saleId: "S1",
      refundId: own.refundId,
      result: { ok: false, failure: "refused", status: 400 },
    };
    actions.applied(result, checkout.submit(result) as Transition);
    expect(isAgentError(await failed, "REFUND_FAILED")).toBe(true);
  });

  it("times out when Vipps does not answer in time (the refund goes on), and refuses once the runner stops", async () => {
    const reference = captured();
    const answer = caught(actions.refund(reference, 1000, 30_000));
    clock.advance(30_000);
    expect(isAgentError(await answer, "TIMEOUT")).toBe(true);
    checkout.stopped = true;
    expect(isAgentError(await caught(actions.refund(reference, 1000, 30_000)), "AGENT_STOPPING")).toBe(true);
  });

  it("the button cancels the sale being paid, and nothing when none is", () => {
    actions.cancelActive();
    expect(checkout.inputs).toEqual([]);
    checkout.submit({ type: "basket", basket: basket("S1") });
    checkout.submit({ type: "pay", saleId: "S1", total: 4900 });
    actions.cancelActive();
    expect(checkout.inputs.at(-1)).toEqual({ type: "cancel", saleId: "S1" });
    expect(checkout.state.activeSaleId).toBeUndefined();
  });
});

function catchSync(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}
