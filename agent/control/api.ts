import type { PrintDocument } from "../../drivers/printer/index.js";

/**
 * What the running agent offers the technician's CLI over the local control socket
 * (`pos-agent status`, `reprint`, `refund`, `setup`, `report --print`, `doctor`). The runtime
 * implements it and mounts `startControlServer({ socketPath, api, logger })`.
 *
 * Failures are `AgentError`s whose `code` reaches the CLI unchanged (e.g. NOT_CAPTURED,
 * REFUND_TOO_LARGE, UNKNOWN_SALE, TIMEOUT, NO_PRINTER); anything else thrown becomes
 * CONTROL_INTERNAL. Amounts are integer minor units of the sale's currency.
 */
export interface ControlApi {
  status(): AgentStatus;
  /** Reprint a receipt marked COPY: by sale id, payment reference or sale number; default the last captured sale. */
  reprint(sale?: string): Promise<{ saleId: string; jobId: string }>;
  /** Refund (part of) a captured sale by its payment reference; default the whole remaining amount. Resolves with the sale's final state once Vipps answered, or rejects with an AgentError code (e.g. NOT_CAPTURED, REFUND_TOO_LARGE, UNKNOWN_SALE, TIMEOUT). */
  refund(reference: string, amount?: number): Promise<SaleStatusLine>;
  /** Re-read the till's cached qrContent (after `setup`). */
  refreshQr(): Promise<void>;
  /**
   * Queue a document (end-of-day report, QR sticker) on the agent's receipt printer, which the
   * agent holds while it runs. Optional: without it the CLI prints directly. Rejects with
   * NO_PRINTER when none is configured, PRINTER_BAD_DOCUMENT for a document the queue refuses.
   */
  print?(document: PrintDocument): Promise<{ jobId: string }>;
}

export interface AgentStatus {
  version: string;
  tillId: string;
  msn: string;
  pid: number;
  /** ISO 8601. */
  startedAt: string;
  uptimeSeconds: number;
  ready: boolean;
  /**
   * How the till finds a customer the register does not name (config checkout.identification):
   * `current` is callback (the till's QR) or per-sale, `reason` why (docs/architecture.md).
   * Optional: agents from before it answer without.
   */
  identification?: { setting: string; current: string; reason: string };
  /** Why the agent serves degraded, one short phrase each (e.g. "printer offline"); empty when all is well. */
  degraded: string[];
  links: {
    /** `state`: the register link's state (closed | opening | handshaking | up | unreachable); `peer`: the register's hello id. */
    register: { state: string; peer?: string };
    /** stopped | connecting | connected | disconnected. */
    mqtt: { state: string };
    vipps: { state: "ok" | "failing" | "unknown"; lastError?: string };
    printer: { state: "online" | "paper_out" | "cover_open" | "offline" | "none"; queued: number };
    display: { state: "ok" | "failed" | "none" };
    gpio: { state: "ok" | "unavailable" | "disabled" };
  };
  currentSale?: SaleStatusLine;
  /** Newest first, at most 10. */
  lastSales: SaleStatusLine[];
  /** Held sales waiting for the register's capture or release (§7.13), oldest first; absent from older agents. */
  openHolds?: HoldStatusLine[];
  counters: Record<string, number>;
}

/** A held sale (docs/register-protocol.md §7.13): authorized, nothing captured yet. */
export interface HoldStatusLine {
  saleId: string;
  saleNo: number;
  reference: string;
  /** What Vipps authorized, minor units. */
  authorizedAmount: number;
  currency: string;
  /** ISO 8601: when Vipps stops guaranteeing the capture. */
  holdUntil: string;
  /** ISO 8601: when the till acts on it, and what it does then (checkout.holdDeadlineAction). */
  actAt: string;
  action: "capture" | "release";
}

export interface SaleStatusLine {
  saleId: string;
  saleNo: number;
  state: string;
  /** The sale's total, minor units. */
  amount: number;
  currency: string;
  capturedAmount?: number;
  refundedAmount?: number;
  reference?: string;
  reason?: string;
  /** ISO 8601. */
  updatedAt: string;
}
