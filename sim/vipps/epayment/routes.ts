import { isCurrency } from "../../../lib/money.js";
import { authenticate, isPlainObject, parseJsonBody } from "../http/auth.js";
import { emptyResponse, jsonResponse, type SimResponse } from "../http/responses.js";
import { defineRoute, type RequestContext, type Route } from "../http/router.js";
import { SlidingWindowLimiter } from "../http/rate-limiter.js";
import type { SalesUnit } from "../options.js";
import type { SimWorld } from "../world.js";
import { ageRefusal } from "./age-limit.js";
import { resolveCustomer } from "./customer-resolver.js";
import type { Refusal } from "./error-codes.js";
import { fingerprint, IdempotencyStore } from "./idempotency.js";
import { modificationView, paymentView, type Transition } from "./payment.js";
import { REFERENCE_PATTERN, validateCreate } from "./validate-create.js";
import { redirectUrlOf } from "./redirect-url.js";

/**
 * ePayment API (epayment.yaml, docs/vipps-api.md §6). Order of checks for a modification, as a
 * gateway-fronted API does it: credentials → headers → rate limit → idempotency → the body and
 * the payment. Answers of the operation itself (2xx and 4xx) are bound to the Idempotency-Key.
 *
 * Rate limits are per operation: create, capture, cancel and refund have 5 calls a minute EACH
 * per reference + MSN, get payment and get event log 120 each per reference + subscription key
 * (https://developer.vippsmobilepay.com/docs/APIs/epayment-api/operations/rate-limits/). A busy
 * sale — create, capture, two refunds, a cancel — never shares one budget.
 */
const MAX_IDEMPOTENCY_KEY = 50;
/**
 * The vendored spec declares `application/problem+json` for the 200 answers of capture, cancel
 * and refund (AdjustResponse); the simulator follows the spec, so clients must parse by status.
 */
const MODIFICATION_CONTENT_TYPE = "application/problem+json";

type Operation = "create" | "capture" | "cancel" | "refund";

/** Code of a same-key-other-body conflict per operation (docs/vipps-api.md §1.4). */
const CONFLICT_CODE: Record<Operation, string> = {
  create: "4020",
  capture: "4010",
  cancel: "4020",
  refund: "4150",
};

export function epaymentRoutes(world: SimWorld): Route[] {
  const idempotency = new IdempotencyStore();
  const modifications = new SlidingWindowLimiter(world.options.modificationsPerMinute);
  const reads = new SlidingWindowLimiter(world.options.getsPerMinute);

  const refused = (ctx: RequestContext, r: Refusal): SimResponse =>
    ctx.error({ status: r.status, title: r.title, detail: r.detail, code: r.code });
  const tooMany = (ctx: RequestContext, retryAfterSeconds: number): SimResponse =>
    ctx.error({
      status: 429,
      title: "Too Many Requests",
      detail: "Rate limit for this reference exceeded.",
      headers: { "retry-after": String(retryAfterSeconds) },
    });

  function referenceParam(ctx: RequestContext): string | SimResponse {
    const reference = ctx.params.reference ?? "";
    ctx.note.reference = reference;
    if (!REFERENCE_PATTERN.test(reference)) {
      return ctx.error({
        status: 400,
        title: "Bad Request",
        detail: "One or more validation errors occurred.",
        extraDetails: [{ name: "reference", reason: "Must match ^[a-zA-Z0-9-]{8,50}$." }],
      });
    }
    return reference;
  }

  /** The shared path of create/capture/cancel/refund; `run` performs the operation once. */
  function modify(
    ctx: RequestContext,
    op: Operation,
    reference: string | undefined,
    body: unknown,
    unit: SalesUnit,
    run: () => SimResponse,
  ): SimResponse {
    const key = ctx.header("idempotency-key");
    if (key === undefined || key === "" || key.length > MAX_IDEMPOTENCY_KEY) {
      return ctx.error({
        status: 400,
        title: "Bad Request",
        detail: "The Idempotency-Key header is required (at most 50 characters).",
        extraDetails: [{ name: "Idempotency-Key", reason: "required, 1–50 characters" }],
      });
    }
    ctx.note.idempotencyKey = key;
    const limit = modifications.take(`${unit.msn}\n${op}\n${reference ?? ""}`, ctx.now);
    if (!limit.ok) return tooMany(ctx, limit.retryAfterSeconds);
    const operation = `${op}:${reference ?? ""}`;
    const print = fingerprint(body ?? null);
    const seen = idempotency.lookup(unit.msn, key, operation, print);
    if (seen.kind === "replay") return seen.response;
    if (seen.kind === "conflict") {
      const code = seen.sameOperation ? CONFLICT_CODE[op] : "4020";
      return ctx.error({
        status: 409,
        title: "Conflict",
        detail: "This Idempotency-Key was used for a different request; use a new key for a new request.",
        code,
      });
    }
    const response = run();
    idempotency.remember(unit.msn, key, operation, print, response);
    return response;
  }

  /** Reads `modificationAmount` (capture, refund): an integer amount in the sales unit's currency. */
  function amountOf(ctx: RequestContext, body: unknown, unit: SalesUnit): number | SimResponse {
    const m = isPlainObject(body) ? body.modificationAmount : undefined;
    if (
      !isPlainObject(m) ||
      !isCurrency(m.currency) ||
      typeof m.value !== "number" ||
      !Number.isFinite(m.value)
    ) {
      return ctx.error({
        status: 400,
        title: "Bad Request",
        detail: "One or more validation errors occurred.",
        extraDetails: [
          { name: "modificationAmount", reason: "Required { currency: NOK|DKK|EUR, value: integer }." },
        ],
      });
    }
    if (!Number.isSafeInteger(m.value) || m.value <= 0)
      return ctx.error({
        status: 400,
        title: "Invalid amount",
        detail: "The amount must be a positive integer of minor units.",
        code: "4040",
      });
    if (m.currency !== unit.currency)
      return ctx.error({
        status: 400,
        title: "Invalid currency for merchant",
        detail: `This sales unit takes ${unit.currency}.`,
        code: "5040",
      });
    return m.value;
  }

  const answer = (ctx: RequestContext, t: Transition): SimResponse =>
    t.ok
      ? jsonResponse(200, modificationView(t.payment), MODIFICATION_CONTENT_TYPE)
      : refused(ctx, t.refusal);

  function modificationRoute(op: "capture" | "refund" | "cancel"): Route {
    return defineRoute(
      "POST",
      `/epayment/v1/payments/{reference}/${op}`,
      `epayment.${op}`,
      "epayment",
      (ctx) => {
        const auth = authenticate(ctx, world.tokens, "required");
        if (!auth.ok) return auth.response;
        const reference = referenceParam(ctx);
        if (typeof reference !== "string") return reference;
        const body = parseJsonBody(ctx);
        if (!body.ok) return body.response;
        const unit = auth.value;
        return modify(ctx, op, reference, body.value, unit, () => {
          if (op === "cancel") {
            // Live API: optional { cancelTransactionOnly } (CancelModificationRequest); the vendored spec has no body.
            const b = body.value;
            if (
              b !== undefined &&
              (!isPlainObject(b) ||
                (b.cancelTransactionOnly !== undefined && typeof b.cancelTransactionOnly !== "boolean"))
            ) {
              return ctx.error({
                status: 400,
                title: "Bad Request",
                detail: "One or more validation errors occurred.",
                extraDetails: [{ name: "cancelTransactionOnly", reason: "Boolean." }],
              });
            }
            const only = isPlainObject(b) && b.cancelTransactionOnly === true;
            return answer(
              ctx,
              world.payments.cancel(unit.msn, reference, only, ctx.note.idempotencyKey ?? ""),
            );
          }
          const value = amountOf(ctx, body.value, unit);
          if (typeof value !== "number") return value;
          const key = ctx.note.idempotencyKey ?? "";
          return answer(
            ctx,
            op === "capture"
              ? world.payments.capture(unit.msn, reference, value, key)
              : world.payments.refund(unit.msn, reference, value, key),
          );
        });
      },
    );
  }

  function readRoute(
    path: string,
    endpoint: "epayment.get" | "epayment.events",
    view: (ctx: RequestContext, unit: SalesUnit, reference: string) => SimResponse,
  ): Route {
    return defineRoute("GET", path, endpoint, "epayment", (ctx) => {
      const auth = authenticate(ctx, world.tokens, "required");
      if (!auth.ok) return auth.response;
      const reference = referenceParam(ctx);
      if (typeof reference !== "string") return reference;
      const limit = reads.take(`${auth.value.subscriptionKey}\n${endpoint}\n${reference}`, ctx.now);
      if (!limit.ok) return tooMany(ctx, limit.retryAfterSeconds);
      return view(ctx, auth.value, reference);
    });
  }

  return [
    defineRoute("POST", "/epayment/v1/payments", "epayment.create", "epayment", (ctx) => {
      const auth = authenticate(ctx, world.tokens, "required");
      if (!auth.ok) return auth.response;
      const body = parseJsonBody(ctx);
      if (!body.ok) return body.response;
      const unit = auth.value;
      const b = body.value;
      const reference = isPlainObject(b) && typeof b.reference === "string" ? b.reference : undefined;
      if (reference !== undefined) ctx.note.reference = reference;
      return modify(ctx, "create", reference, b, unit, () => {
        const v = validateCreate(b, unit, (c, minimumUserAge) => {
          const resolved = resolveCustomer(world, unit.msn, c, ctx.now);
          return (
            ("code" in resolved ? null : ageRefusal(world, resolved.msisdn, minimumUserAge, ctx.now)) ??
            resolved
          );
        });
        if (!v.ok) {
          return "refusal" in v
            ? refused(ctx, v.refusal)
            : ctx.error({
                status: 400,
                title: "Bad Request",
                detail: "One or more validation errors occurred.",
                extraDetails: v.extraDetails,
              });
        }
        const created = world.payments.create(unit, v.request, ctx.note.idempotencyKey ?? "");
        if (!created.ok) return refused(ctx, created.refusal);
        // A receipt sent with the create is the order's receipt in Order Management.
        if (isPlainObject(b) && isPlainObject(b.receipt))
          world.orders.add(unit.msn, created.payment.reference, {
            receipt: b.receipt,
            source: "epayment.create",
            addedAt: ctx.now,
          });
        const redirectUrl = redirectUrlOf(created.payment);
        return jsonResponse(201, {
          reference: created.payment.reference,
          ...(redirectUrl === undefined ? {} : { redirectUrl }),
        });
      });
    }),
    readRoute("/epayment/v1/payments/{reference}", "epayment.get", (ctx, unit, reference) => {
      const found = world.payments.find(unit.msn, reference);
      return found.ok ? jsonResponse(200, paymentView(found.payment)) : refused(ctx, found.refusal);
    }),
    readRoute("/epayment/v1/payments/{reference}/events", "epayment.events", (ctx, unit, reference) => {
      const found = world.payments.find(unit.msn, reference);
      return found.ok ? jsonResponse(200, found.payment.events) : refused(ctx, found.refusal);
    }),
    modificationRoute("capture"),
    modificationRoute("cancel"),
    modificationRoute("refund"),
    defineRoute(
      "POST",
      "/epayment/v1/test/payments/{reference}/approve",
      "epayment.approve",
      "epayment",
      (ctx) => {
        const auth = authenticate(ctx, world.tokens, "required");
        if (!auth.ok) return auth.response;
        const reference = referenceParam(ctx);
        if (typeof reference !== "string") return reference;
        const body = parseJsonBody(ctx);
        if (!body.ok) return body.response;
        const unit = auth.value;
        const found = world.payments.find(unit.msn, reference);
        if (!found.ok) return refused(ctx, found.refusal);
        const b = body.value;
        const failed = (detail: string): SimResponse =>
          ctx.error({ status: 400, title: "Approve failed", detail, code: "10010" });
        let msisdn: string | undefined;
        if (isPlainObject(b) && typeof b.token === "string") {
          if (b.token !== found.payment.redirectToken)
            return failed("The token does not belong to this payment.");
        } else if (isPlainObject(b) && isPlainObject(b.customer)) {
          const c = b.customer;
          const ref =
            typeof c.phoneNumber === "string"
              ? { kind: "phoneNumber" as const, value: c.phoneNumber }
              : typeof c.customerToken === "string"
                ? { kind: "customerToken" as const, value: c.customerToken }
                : typeof c.personalQr === "string"
                  ? { kind: "personalQr" as const, value: c.personalQr }
                  : undefined;
          if (ref === undefined) return failed("customer needs phoneNumber, customerToken or personalQr.");
          const resolved = resolveCustomer(world, unit.msn, ref, ctx.now);
          if ("code" in resolved) return refused(ctx, resolved);
          if (found.payment.customerMsisdn !== undefined && resolved.msisdn !== found.payment.customerMsisdn)
            return failed("This customer is not the one the payment was sent to.");
          msisdn = resolved.msisdn;
        } else {
          return failed("The body needs customer or token.");
        }
        const t = world.payments.approve(unit.msn, reference, msisdn);
        return t.ok ? emptyResponse(200) : refused(ctx, t.refusal);
      },
    ),
  ];
}
