/**
 * The orders Order Management knows, one per ePayment (order id = the payment's reference): the
 * receipt the customer's app shows for it. A receipt comes with the create request or, later, from
 * `POST /order-management/v2/ECOM/receipts/{orderId}`; an order has at most one, whichever came
 * first (https://developer.vippsmobilepay.com/docs/APIs/order-management-api/).
 */
export interface OrderReceipt {
  /** The receipt as sent (validated against order-management.yaml `Receipt`). */
  readonly receipt: Readonly<Record<string, unknown>>;
  /** Where it came from: the ePayment create, or Order Management afterwards. */
  readonly source: "epayment.create" | "order-management";
  /** Clock ms. */
  readonly addedAt: number;
}

export class OrderStore {
  private readonly receipts = new Map<string, OrderReceipt>();

  private static key(msn: string, orderId: string): string {
    return `${msn}\n${orderId}`;
  }

  receiptOf(msn: string, orderId: string): OrderReceipt | undefined {
    return this.receipts.get(OrderStore.key(msn, orderId));
  }

  /** False when the order already has a receipt (nothing changes then). */
  add(msn: string, orderId: string, receipt: OrderReceipt): boolean {
    const key = OrderStore.key(msn, orderId);
    if (this.receipts.has(key)) return false;
    this.receipts.set(key, receipt);
    return true;
  }
}
