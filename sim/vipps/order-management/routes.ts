import { authenticate, isPlainObject, parseJsonBody } from "../http/auth.js";
import { jsonResponse, type SimResponse } from "../http/responses.js";
import { defineRoute, type RequestContext, type Route } from "../http/router.js";
import type { SalesUnit } from "../options.js";
import { receiptProblems } from "../epayment/validate-receipt.js";
import type { SimWorld } from "../world.js";

/**
 * Order Management API v2 (order-management.yaml), the part for receipts:
 * `POST /order-management/v2/{paymentType}/receipts/{orderId}` → 201 (the receipt's id), 400 for
 * a body that is no `Receipt`, 404 for an order id that is no payment of the sales unit, 409 when
 * the order already has a receipt (one sent with the ePayment create counts); and
 * `GET /order-management/v2/{paymentType}/{orderId}` → `OrderV2Response` with the receipt the
 * app shows. ePayment's payment type is `ECOM` and its order id the payment's reference
 * (https://developer.vippsmobilepay.com/docs/APIs/order-management-api/). The simulator has no
 * Recurring API, so a `RECURRING` order is never found.
 */
const ORDER_ID = /^[0-9A-Za-z\-_.]+$/;
const PAYMENT_TYPES = ["ECOM", "RECURRING"];

export function orderManagementRoutes(world: SimWorld): Route[] {
  /** The sales unit's payment the path names, or the error that ends the request. */
  function order(ctx: RequestContext): { unit: SalesUnit; orderId: string; currency: string } | SimResponse {
    const auth = authenticate(ctx, world.tokens, "required");
    if (!auth.ok) return auth.response;
    const paymentType = ctx.params.paymentType ?? "";
    const orderId = ctx.params.orderId ?? "";
    ctx.note.reference = orderId;
    const invalid = [
      ...(PAYMENT_TYPES.includes(paymentType) ? [] : [{ name: "paymentType", reason: "ECOM or RECURRING." }]),
      ...(ORDER_ID.test(orderId) ? [] : [{ name: "orderId", reason: "Must match ^[0-9A-Za-z-_\\.]+$." }]),
    ];
    if (invalid.length > 0)
      return ctx.error({
        status: 400,
        title: "Bad Request",
        detail: "One or more validation errors occurred.",
        extraDetails: invalid,
      });
    const unit = auth.value;
    const payment = paymentType === "ECOM" ? world.payments.find(unit.msn, orderId) : undefined;
    if (payment?.ok !== true)
      return ctx.error({
        status: 404,
        title: "Not Found",
        detail: "No order with this id for this sales unit.",
      });
    return { unit, orderId, currency: payment.payment.amount.currency };
  }

  return [
    defineRoute(
      "POST",
      "/order-management/v2/{paymentType}/receipts/{orderId}",
      "order-management.receipt.add",
      "order-management",
      (ctx) => {
        const found = order(ctx);
        if ("status" in found) return found;
        const body = parseJsonBody(ctx);
        if (!body.ok) return body.response;
        const problems = receiptProblems(body.value, found.currency, "(body)");
        if (problems.length > 0 || !isPlainObject(body.value))
          return ctx.error({
            status: 400,
            title: "Bad Request",
            detail: "One or more validation errors occurred.",
            extraDetails: problems,
          });
        const added = world.orders.add(found.unit.msn, found.orderId, {
          receipt: body.value,
          source: "order-management",
          addedAt: ctx.now,
        });
        if (!added)
          return ctx.error({
            status: 409,
            title: "Conflict",
            detail: "This order already has a receipt.",
          });
        return jsonResponse(201, `${found.orderId}-receipt`);
      },
    ),
    defineRoute(
      "GET",
      "/order-management/v2/{paymentType}/{orderId}",
      "order-management.order.get",
      "order-management",
      (ctx) => {
        const found = order(ctx);
        if ("status" in found) return found;
        const receipt = world.orders.receiptOf(found.unit.msn, found.orderId);
        return jsonResponse(200, receipt === undefined ? {} : { receipt: receipt.receipt });
      },
    ),
  ];
}
