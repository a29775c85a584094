import { AgentError } from "../../lib/errors.js";
import type { PrintDocument } from "../../drivers/printer/index.js";
import { join } from "node:path";
import {
  CONTROL_SOCKET_METHODS,
  MONEY_METHODS,
  startControlServer,
  type AgentStatus,
  type ControlApi,
  type SaleStatusLine,
} from "../../agent/control/index.js";

/**
 * A ControlApi test double for the control socket and the CLI commands that use it, until (and
 * besides) the real runtime: a plausible status, a small book of captured sales that refunds
 * and reprints work on with the agent's rules (NOT_CAPTURED, REFUND_TOO_LARGE, UNKNOWN_SALE),
 * and a record of every call.
 */
export interface ControlApiCall {
  readonly method: string;
  readonly args: readonly unknown[];
}

export class ControlApiDouble implements ControlApi {
  readonly calls: ControlApiCall[] = [];
  readonly printed: PrintDocument[] = [];
  readonly sales: SaleStatusLine[];
  statusValue: AgentStatus;
  /** When set, every refund waits for this promise first (to test timeouts). */
  refundGate: Promise<void> | undefined;
  /** When set, `print` is offered; otherwise the agent "does not print documents". */
  printing = true;
  qrRefreshes = 0;

  constructor(sales: SaleStatusLine[] = defaultSales()) {
    this.sales = sales;
    this.statusValue = defaultStatus(sales);
  }

  status(): AgentStatus {
    this.calls.push({ method: "status", args: [] });
    return this.statusValue;
  }

  reprint(sale?: string): Promise<{ saleId: string; jobId: string }> {
    this.calls.push({ method: "reprint", args: [sale] });
    const found = sale === undefined ? this.sales.find((s) => s.state === "captured") : this.find(sale);
    if (found === undefined)
      return Promise.reject(new AgentError("UNKNOWN_SALE", `no sale ${sale ?? "(last captured)"}`));
    return Promise.resolve({ saleId: found.saleId, jobId: `${found.saleId}:sale:copy` });
  }

  async refund(reference: string, amount?: number): Promise<SaleStatusLine> {
    this.calls.push({ method: "refund", args: [reference, amount] });
    if (this.refundGate !== undefined) await this.refundGate;
    const index = this.sales.findIndex((s) => s.reference === reference);
    const sale = this.sales[index];
    if (sale === undefined) throw new AgentError("UNKNOWN_SALE", `no sale with reference ${reference}`);
    if (sale.state !== "captured" && sale.state !== "refunded")
      throw new AgentError("NOT_CAPTURED", `sale ${sale.saleId} is ${sale.state}`);
    const left = (sale.capturedAmount ?? 0) - (sale.refundedAmount ?? 0);
    const wanted = amount ?? left;
    if (wanted > left || wanted <= 0)
      throw new AgentError("REFUND_TOO_LARGE", `at most ${left} can be refunded`);
    const refunded = (sale.refundedAmount ?? 0) + wanted;
    const updated: SaleStatusLine = {
      ...sale,
      refundedAmount: refunded,
      state: refunded === sale.capturedAmount ? "refunded" : "captured",
      updatedAt: new Date().toISOString(),
    };
    this.sales[index] = updated;
    return updated;
  }

  refreshQr(): Promise<void> {
    this.calls.push({ method: "refreshQr", args: [] });
    this.qrRefreshes++;
    return Promise.resolve();
  }

  print(document: PrintDocument): Promise<{ jobId: string }> {
    this.calls.push({ method: "print", args: [document] });
    if (!this.printing) return Promise.reject(new AgentError("NO_PRINTER", "no printer is configured"));
    this.printed.push(document);
    return Promise.resolve({ jobId: `manual:${this.printed.length}` });
  }

  private find(selector: string): SaleStatusLine | undefined {
    return this.sales.find(
      (s) => s.saleId === selector || s.reference === selector || String(s.saleNo) === selector,
    );
  }
}

export function defaultSales(): SaleStatusLine[] {
  return [
    {
      saleId: "S-1002",
      saleNo: 2,
      state: "captured",
      amount: 6150,
      currency: "NOK",
      capturedAmount: 6150,
      refundedAmount: 0,
      reference: "kasse1-1002-aaaa",
      updatedAt: "2026-03-02T10:05:00.000Z",
    },
    {
      saleId: "S-1001",
      saleNo: 1,
      state: "failed",
      amount: 4900,
      currency: "NOK",
      reference: "kasse1-1001-bbbb",
      reason: "ABORTED",
      updatedAt: "2026-03-02T10:00:00.000Z",
    },
  ];
}

export function defaultStatus(sales: readonly SaleStatusLine[]): AgentStatus {
  return {
    version: "0.1.0",
    tillId: "kasse1",
    msn: "123456",
    pid: 4242,
    startedAt: "2026-03-02T08:00:00.000Z",
    uptimeSeconds: 7_500,
    ready: true,
    degraded: [],
    links: {
      register: { state: "up", peer: "reference-register" },
      mqtt: { state: "connected" },
      vipps: { state: "ok" },
      printer: { state: "online", queued: 0 },
      display: { state: "ok" },
      gpio: { state: "disabled" },
    },
    lastSales: [...sales],
    counters: { captured: 1, failed: 1, cancelled: 0 },
  };
}

/**
 * The running agent's two sockets in `dir`, as the daemon serves them: control.sock (status,
 * reprint, refreshQr, print) and refund.sock beside it (refund) — where a config written by
 * technician-cli.ts's writeAgentConfig points.
 */
export async function serveAgentSockets(dir: string, api: ControlApi): Promise<{ close(): Promise<void> }> {
  const control = await startControlServer({
    socketPath: join(dir, "control.sock"),
    api,
    methods: CONTROL_SOCKET_METHODS,
  });
  const refunds = await startControlServer({
    socketPath: join(dir, "refund.sock"),
    api,
    methods: MONEY_METHODS,
  });
  return {
    close: async () => {
      await control.close();
      await refunds.close();
    },
  };
}
