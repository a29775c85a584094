import { IDEMPOTENT } from "./retry-policy.js";
import type { VippsTransport } from "./transport.js";
import type { Amount, Receipt } from "./types/epayment.js";
import { checkAmount, checkReceipt, checkReference, type OpRef } from "./validate-input.js";

/**
 * Order Management API v2 (docs/vipps-api.md §7): the receipt the customer sees in the app,
 * added after the payment — https://developer.vippsmobilepay.com/docs/APIs/order-management-api/
 *
 * An ePayment's order id is its `reference`, its payment type `ECOM`. An order has at most one
 * receipt: a second POST is answered 409. That is what makes the POST safe to repeat after an
 * unknown outcome (the retry policy treats it as idempotent): the first that arrived stands, and
 * a repeat learns it is there. Order Management takes no Idempotency-Key.
 */
const BASE = "/order-management/v2/ECOM";

const op = (operation: string, endpoint: string): OpRef => ({
  operation: `orderManagement.${operation}`,
  endpoint,
});

export class OrderManagementApi {
  constructor(private readonly transport: VippsTransport) {}

  /**
   * `POST /order-management/v2/ECOM/receipts/{reference}` → 201. `paid` is what Vipps collected
   * for the order: the receipt's lines must add up to it plus the bottom line's payment sources
   * (checked before anything is sent), so the app never shows a total other than the one paid.
   * Throws VIPPS_CONFLICT (409) when the order already has a receipt.
   */
  async addReceipt(reference: string, receipt: Receipt, paid: Amount): Promise<void> {
    const spec = op("addReceipt", `POST ${BASE}/receipts/{orderId}`);
    checkReference(spec, reference);
    checkAmount(spec, paid, "paid", 1);
    checkReceipt(spec, receipt, paid);
    // 201's body is only the new receipt's id, which nothing here uses: the status is the answer.
    await this.transport.call({
      ...spec,
      method: "POST",
      path: `${BASE}/receipts/${reference}`,
      auth: { kind: "access-token" },
      json: { orderLines: receipt.orderLines, bottomLine: receipt.bottomLine },
      retry: IDEMPOTENT,
    });
  }
}
