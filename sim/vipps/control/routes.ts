import { isSimError, simError } from "../errors.js";
import { isPlainObject } from "../http/auth.js";
import { ENDPOINTS } from "../http/endpoints.js";
import { emptyResponse, jsonResponse, type SimResponse } from "../http/responses.js";
import { defineRoute, type Handler, type RequestContext, type Route } from "../http/router.js";
import { validateFaultRule } from "../http/faults.js";
import { validateCustomerOptions, validateBehaviour } from "../customers/customer-directory.js";
import type { SimWorld } from "../world.js";
import type { SimulatorControl } from "./control.js";

/**
 * The control API over HTTP, under `/_sim/` (docs/simulator.md lists every route with curl
 * examples). It plays the customer's phone and the network; it is not part of any Vipps API
 * and never subject to fault injection.
 */
const CONTROL_PREFIX = "/_sim";

function body(ctx: RequestContext): Record<string, unknown> {
  if (ctx.rawBody.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(ctx.rawBody.toString("utf8"));
  } catch {
    throw simError("SIM_BAD_REQUEST", "the body is not valid JSON");
  }
  if (!isPlainObject(value)) throw simError("SIM_BAD_REQUEST", "the body must be a JSON object");
  return value;
}

const str = (v: unknown, what: string): string | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw simError("SIM_BAD_REQUEST", `${what} must be a string`);
  return v;
};

/** Turns a control error into its HTTP answer. */
function guarded(handle: Handler): Handler {
  return async (ctx) => {
    try {
      return await handle(ctx);
    } catch (error) {
      if (!isSimError(error)) throw error;
      const status =
        error.code === "SIM_NOT_FOUND"
          ? 404
          : error.code === "SIM_CONFLICT"
            ? 409
            : error.code === "SIM_BAD_REQUEST"
              ? 400
              : 500;
      return ctx.error({ status, title: error.code, detail: error.message, controlCode: error.code });
    }
  };
}

export function controlRoutes(world: SimWorld, control: SimulatorControl): Route[] {
  const r = (method: string, path: string, name: string, handle: Handler): Route =>
    defineRoute(method, `${CONTROL_PREFIX}${path}`, `control.${name}`, "control", guarded(handle));
  const json = (value: unknown): SimResponse => jsonResponse(200, value);
  const done = (): SimResponse => emptyResponse(204);

  const paymentAction = (action: "approve" | "decline" | "ignore" | "expire"): Route =>
    r("POST", `/payments/{reference}/${action}`, `payments.${action}`, (ctx) => {
      const b = body(ctx);
      const msn = str(b.msn, "msn");
      const reference = ctx.params.reference ?? "";
      if (action === "approve") {
        const msisdn = str(b.msisdn, "msisdn");
        return json(
          control.approvePayment(reference, {
            ...(msn === undefined ? {} : { msn }),
            ...(msisdn === undefined ? {} : { msisdn }),
          }),
        );
      }
      const options = msn === undefined ? {} : { msn };
      return json(
        action === "decline"
          ? control.declinePayment(reference, options)
          : action === "expire"
            ? control.expirePayment(reference, options)
            : control.ignorePayment(reference, options),
      );
    });

  const loginAction = (action: "approve" | "decline" | "ignore"): Route =>
    r("POST", `/logins/{authReqId}/${action}`, `logins.${action}`, (ctx) => {
      const id = ctx.params.authReqId ?? "";
      return json(
        action === "approve"
          ? control.approveLogin(id)
          : action === "decline"
            ? control.declineLogin(id)
            : control.ignoreLogin(id),
      );
    });

  return [
    r("GET", "", "info", () =>
      json({
        salesUnits: world.options.salesUnits.map((u) => ({
          name: u.name,
          msn: u.msn,
          currency: u.currency,
          brand: u.brand,
          clientId: u.clientId,
        })),
        endpoints: ENDPOINTS,
        documentation: "docs/simulator.md",
      }),
    ),
    r("POST", "/scan", "scan", (ctx) => {
      const b = body(ctx);
      const qrContent = str(b.qrContent, "qrContent");
      const msn = str(b.msn, "msn");
      const merchantQrId = str(b.merchantQrId, "merchantQrId");
      return json(
        control.scan({
          msisdn: str(b.msisdn, "msisdn") ?? "",
          ...(qrContent === undefined ? {} : { qrContent }),
          ...(msn === undefined ? {} : { msn }),
          ...(merchantQrId === undefined ? {} : { merchantQrId }),
        }),
      );
    }),
    r("POST", "/payment-qr/scan", "payment-qr.scan", (ctx) => {
      const b = body(ctx);
      return json(
        control.scanPaymentQr({
          qrContent: str(b.qrContent, "qrContent") ?? "",
          msisdn: str(b.msisdn, "msisdn") ?? "",
        }),
      );
    }),
    r("GET", "/payments", "payments.list", () => json(control.payments())),
    r("GET", "/payments/{reference}", "payments.get", (ctx) =>
      json(control.payment(ctx.params.reference ?? "", ctx.url.searchParams.get("msn") ?? undefined)),
    ),
    r("GET", "/orders/{reference}", "orders.get", (ctx) =>
      json(control.order(ctx.params.reference ?? "", ctx.url.searchParams.get("msn") ?? undefined)),
    ),
    paymentAction("approve"),
    paymentAction("decline"),
    paymentAction("ignore"),
    paymentAction("expire"),
    r("POST", "/payments/{reference}/age", "payments.age", (ctx) => {
      const b = body(ctx);
      const msn = str(b.msn, "msn");
      return json(
        control.agePayment(ctx.params.reference ?? "", {
          days: b.days as number,
          ...(msn === undefined ? {} : { msn }),
        }),
      );
    }),
    r("PUT", "/customers/{msisdn}", "customers.put", (ctx) => {
      control.setCustomer(ctx.params.msisdn ?? "", validateCustomerOptions(body(ctx), "body"));
      return done();
    }),
    r("PUT", "/default-behaviour", "default-behaviour.put", (ctx) => {
      const b = body(ctx);
      control.setDefaultBehaviour({
        ...(b.payment === undefined ? {} : { payment: validateBehaviour(b.payment, "payment") }),
        ...(b.login === undefined ? {} : { login: validateBehaviour(b.login, "login") }),
      });
      return done();
    }),
    r("GET", "/logins", "logins.list", () => json(control.logins())),
    loginAction("approve"),
    loginAction("decline"),
    loginAction("ignore"),
    r("GET", "/faults", "faults.list", () => json(control.faults())),
    r("POST", "/faults", "faults.add", (ctx) =>
      jsonResponse(201, { id: control.addFault(validateFaultRule(body(ctx))) }),
    ),
    r("DELETE", "/faults", "faults.clear", () => {
      control.clearFaults();
      return done();
    }),
    r("DELETE", "/faults/{id}", "faults.delete", (ctx) => {
      control.removeFault(ctx.params.id ?? "");
      return done();
    }),
    r("GET", "/webhook-faults", "webhook-faults.get", () => json(control.webhookFaults())),
    r("PUT", "/webhook-faults", "webhook-faults.put", (ctx) => {
      control.setWebhookFaults(body(ctx));
      return done();
    }),
    r("GET", "/deliveries", "deliveries.list", (ctx) => {
      const event = ctx.url.searchParams.get("event") ?? undefined;
      const state = ctx.url.searchParams.get("state") ?? undefined;
      const states = ["pending", "delivered", "failed", "cancelled"] as const;
      if (state !== undefined && !(states as readonly string[]).includes(state))
        throw simError("SIM_BAD_REQUEST", `state must be one of ${states.join(", ")}`);
      return json(
        control.deliveries({
          ...(event === undefined ? {} : { event }),
          ...(state === undefined ? {} : { state: state as (typeof states)[number] }),
        }),
      );
    }),
    r("GET", "/requests", "requests.list", () => json(control.requests())),
    r("GET", "/webhooks", "webhooks.list", () => json(control.webhookRegistrations())),
    r("GET", "/qrs", "qrs.list", () => json(control.qrs())),
  ];
}
