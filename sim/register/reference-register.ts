import { systemClock, type Clock, type TimerHandle } from "../../lib/clock.js";
import { AgentError } from "../../lib/errors.js";
import { silentLogger, type Logger } from "../../lib/log.js";
import {
  createRegisterSideLink,
  createSerialTransport,
  validateRegisterMessage,
  registerLinkError,
  type Basket,
  type LinkState,
  type LinkTransport,
  type PayCustomer,
  type Tender,
  type ReceiptMessage,
  type RegisterCommand,
  type RegisterSideLink,
  type SaleMessage,
  type SaleReport,
  type SendResult,
  type TotalsMessage,
} from "../../drivers/register/index.js";
import { SaleBook, type SaleRecord } from "./sale-book.js";

/**
 * The reference register: a cash register that speaks protocol v1 correctly, for vendors to
 * compare against, for the demo and for end-to-end tests. It acks every valid report from the
 * agent (final ones included) and remembers each sale's outcome. After every hello exchange
 * (its own restart, the agent's, a replugged cable) it asks for the `status` of the sales it
 * asked to be paid whose outcome it does not know yet. It asks for a day's totals (`totals`,
 * extension) and keeps the answers, which `totalsTicket` lays out for its own printer.
 */

type SimErrorCode = "SIM_TIMEOUT";

/** Most `totals` answers kept; the oldest are forgotten first. */
const MAX_TOTALS = 100;

type TotalsAnswer =
  | { readonly refused: { readonly code: string; readonly message: string } }
  | { readonly acked: true; readonly totals: TotalsMessage };

export interface ReferenceRegisterOptions {
  /** The cable: a transport, or the path of a serial device. */
  readonly transport?: LinkTransport;
  readonly path?: string;
  readonly baudRate?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The hello's id. Default "reference-register". */
  readonly id?: string;
  readonly software?: string;
  readonly ackTimeoutMs?: number;
  readonly maxRetransmits?: number;
  /** Default 5000; 0 never pings. */
  readonly heartbeatIntervalMs?: number;
  readonly reopenMinMs?: number;
  readonly reopenMaxMs?: number;
  /** Ask for the status of unfinished sales after each hello exchange. Default true. */
  readonly statusAfterHello?: boolean;
}

export interface ReferenceRegister {
  readonly link: RegisterSideLink;
  readonly state: LinkState;
  start(): void;
  stop(): Promise<void>;
  waitUntilUp(timeoutMs?: number): Promise<void>;
  /** Sends the basket (creates or replaces the open basket of its sale). */
  sell(basket: Basket): Promise<SendResult>;
  /**
   * Asks for payment; `total` defaults to the total of the basket this register sent;
   * `minimumAge` (extension) for the whole sale; `customer` (extension): a personal QR the
   * scanner read, or the number the cashier typed; `tenders` (extension, §7.14): what the
   * cashier took otherwise — Vipps MobilePay is asked for the rest (`amount`).
   */
  pay(
    saleId: string,
    total?: number,
    minimumAge?: number,
    customer?: PayCustomer,
    tenders?: readonly Tender[],
  ): Promise<SendResult>;
  /** (extension, §7.13) `pay` with `hold`: authorize only; `capture` or `release` later. */
  payHold(saleId: string, total?: number): Promise<SendResult>;
  /** (extension, §7.13) Captures a held sale: `total` defaults to the basket this register sent last. */
  capture(saleId: string, total?: number): Promise<SendResult>;
  /** (extension, §7.13) Releases a held sale's money. */
  release(saleId: string): Promise<SendResult>;
  cancel(saleId: string): Promise<SendResult>;
  /**
   * Refunds (part of) a sale; `reference` (extension, §7.11): the Vipps reference of a payment
   * another till took — `saleId` is then a new id for this refund's record.
   */
  refund(saleId: string, refundId: string, amount: number, reference?: string): Promise<SendResult>;
  status(saleId: string): Promise<SendResult>;
  /**
   * Asks for a day's totals (YYYY-MM-DD; default today at the agent) and waits for the answer,
   * which the agent sends after its ack.
   */
  totals(date?: string, timeoutMs?: number): Promise<TotalsAnswer>;
  /** Sends any object as a frame, unchecked: to see how an agent refuses bad input. */
  sendRaw(message: Readonly<Record<string, unknown>>): Promise<SendResult>;
  sale(saleId: string): SaleRecord | undefined;
  sales(): SaleRecord[];
  /** The first sale report for `saleId` that matches (default: the final one), past or future. */
  waitForSale(
    saleId: string,
    match?: (report: SaleMessage) => boolean,
    timeoutMs?: number,
  ): Promise<SaleMessage>;
  waitForReceipt(saleId: string, timeoutMs?: number): Promise<ReceiptMessage>;
  /** Every sale and receipt report from the agent, after it was recorded. */
  onReport(listener: (report: SaleReport, record: SaleRecord) => void): () => void;
}

export function createReferenceRegister(options: ReferenceRegisterOptions): ReferenceRegister {
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger()).child({ module: "reference-register" });
  const book = new SaleBook();
  const listeners = new Set<(report: SaleReport, record: SaleRecord) => void>();
  const totalsAnswers: TotalsMessage[] = [];
  let totalsSeen = 0;
  const totalsListeners = new Set<() => void>();
  const transport =
    options.transport ??
    createSerialTransport({
      path: options.path ?? "/dev/pos-register",
      baudRate: options.baudRate ?? 115200,
      reopenMinMs: options.reopenMinMs ?? 500,
      reopenMaxMs: options.reopenMaxMs ?? 30_000,
      clock,
      logger,
    });
  const link = createRegisterSideLink({
    transport,
    clock,
    logger,
    id: options.id ?? "reference-register",
    software: options.software ?? "vipps-pos-agent reference register/0.1.0",
    ackTimeoutMs: options.ackTimeoutMs ?? 1000,
    maxRetransmits: options.maxRetransmits ?? 3,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 5000,
    checkOutbound: false,
    handler: (report) => {
      if (report.type === "totals") {
        totalsAnswers.push(report);
        totalsSeen++;
        if (totalsAnswers.length > MAX_TOTALS) totalsAnswers.shift();
        for (const listener of [...totalsListeners]) listener();
        return { ok: true };
      }
      const record = book.record(report);
      for (const listener of [...listeners]) listener(report, record);
      return { ok: true };
    },
  });

  link.onStateChange((state) => {
    if (state !== "up" || options.statusAfterHello === false) return;
    for (const record of book.all()) {
      if (record.payRequested && !record.final) {
        link
          .send({ type: "status", saleId: record.saleId })
          .catch((error: unknown) => logger.warn({ err: error }, "status failed"));
      }
    }
  });

  async function send(message: RegisterCommand): Promise<SendResult> {
    const checked = validateRegisterMessage({ v: 1, ...message });
    if (!checked.ok) throw registerLinkError("REGISTER_BAD_MESSAGE", `${checked.code}: ${checked.message}`);
    return sendRecorded(message as unknown as Readonly<Record<string, unknown>>);
  }

  async function sendRecorded(message: Readonly<Record<string, unknown>>): Promise<SendResult> {
    const result = await link.send(message as unknown as RegisterCommand);
    if ("refused" in result && typeof message.saleId === "string") {
      book.touch(message.saleId).refusals.push({ type: String(message.type), ...result.refused });
    }
    return result;
  }

  function onTotals(listener: () => void): () => void {
    totalsListeners.add(listener);
    return () => totalsListeners.delete(listener);
  }

  function waitFor<T>(
    find: () => T | undefined,
    what: string,
    timeoutMs: number,
    subscribe: (listener: () => void) => () => void = (listener) => register.onReport(listener),
  ): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      let timer: TimerHandle | undefined = undefined;
      const off = subscribe(() => {
        const now = find();
        if (now === undefined) return;
        off();
        clock.clearTimeout(timer);
        resolve(now);
      });
      timer = clock.setTimeout(() => {
        off();
        reject(new AgentError<SimErrorCode>("SIM_TIMEOUT", `no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  const register: ReferenceRegister = {
    link,
    get state() {
      return link.state;
    },
    start: () => link.start(),
    stop: () => link.stop(),
    waitUntilUp: (timeoutMs = 30_000) => link.waitForState("up", timeoutMs),
    async sell(basket) {
      const record = book.touch(basket.saleId);
      const result = await send({ type: "basket", ...basket });
      if ("acked" in result) record.basket = basket;
      return result;
    },
    async pay(saleId, total, minimumAge, customer, tenders) {
      const amount = total ?? book.get(saleId)?.basket?.total ?? 0;
      const others = (tenders ?? []).reduce((sum, t) => sum + t.amount, 0);
      const result = await send({
        type: "pay",
        saleId,
        total: amount,
        ...(minimumAge === undefined ? {} : { minimumAge }),
        ...(customer === undefined ? {} : { customer }),
        ...(tenders === undefined || tenders.length === 0 ? {} : { amount: amount - others, tenders }),
      });
      if ("acked" in result) book.touch(saleId).payRequested = true;
      return result;
    },
    async payHold(saleId, total) {
      const amount = total ?? book.get(saleId)?.basket?.total ?? 0;
      const result = await send({ type: "pay", saleId, total: amount, hold: true });
      if ("acked" in result) book.touch(saleId).payRequested = true;
      return result;
    },
    capture: (saleId, total) =>
      send({ type: "capture", saleId, total: total ?? book.get(saleId)?.basket?.total ?? 0 }),
    release: (saleId) => send({ type: "release", saleId }),
    cancel: (saleId) => send({ type: "cancel", saleId }),
    refund: (saleId, refundId, amount, reference) =>
      send({ type: "refund", saleId, refundId, amount, ...(reference === undefined ? {} : { reference }) }),
    status: (saleId) => send({ type: "status", saleId }),
    async totals(date, timeoutMs = 10_000) {
      const before = totalsSeen;
      const result = await send(date === undefined ? { type: "totals" } : { type: "totals", date });
      if ("refused" in result) return result;
      // Counted in answers ever received: the list keeps only the last MAX_TOTALS.
      const answer = (): TotalsMessage | undefined =>
        totalsAnswers[before - (totalsSeen - totalsAnswers.length)];
      return { acked: true, totals: await waitFor(answer, "totals answer", timeoutMs, onTotals) };
    },
    sendRaw: (message) => sendRecorded(message),
    sale: (saleId) => book.get(saleId),
    sales: () => book.all(),
    waitForSale(saleId, match = (r) => r.final, timeoutMs = 60_000) {
      return waitFor(
        () => book.get(saleId)?.reports.find(match),
        `matching sale report for ${saleId}`,
        timeoutMs,
      );
    },
    waitForReceipt(saleId, timeoutMs = 60_000) {
      return waitFor(() => book.get(saleId)?.receipts[0], `receipt report for ${saleId}`, timeoutMs);
    },
    onReport(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return register;
}
