import type { Clock } from "../lib/clock.js";
import type { RandomBytes } from "../lib/random-bytes.js";
import { silentLogger } from "../lib/log.js";
import { accessTokenRoutes } from "../sim/vipps/access-token/routes.js";
import { AccessTokenStore } from "../sim/vipps/access-token/token-store.js";
import { SimulatorControl } from "../sim/vipps/control/control.js";
import { CustomerDirectory } from "../sim/vipps/customers/customer-directory.js";
import { CustomerTokenStore } from "../sim/vipps/customers/customer-tokens.js";
import { PaymentService } from "../sim/vipps/epayment/payment-service.js";
import type { Payment } from "../sim/vipps/epayment/payment.js";
import { epaymentRoutes } from "../sim/vipps/epayment/routes.js";
import { OrderStore } from "../sim/vipps/order-management/order-store.js";
import { orderManagementRoutes } from "../sim/vipps/order-management/routes.js";
import { errorResponse } from "../sim/vipps/http/error-bodies.js";
import { FaultInjector } from "../sim/vipps/http/faults.js";
import { RequestLog } from "../sim/vipps/http/request-log.js";
import type { SimResponse } from "../sim/vipps/http/responses.js";
import { matchRoute, type RequestContext, type Route } from "../sim/vipps/http/router.js";
import { CibaService } from "../sim/vipps/login/ciba-service.js";
import { IdTokenSigner } from "../sim/vipps/login/id-token.js";
import { resolveOptions, type SalesUnit } from "../sim/vipps/options.js";
import { merchantCallbackRoutes } from "../sim/vipps/qr/routes.js";
import { QrStore } from "../sim/vipps/qr/qr-store.js";
import { WebhookDispatcher, type PostFn } from "../sim/vipps/webhooks/dispatcher.js";
import { WebhookRegistry } from "../sim/vipps/webhooks/registry.js";
import type { SimWorld } from "../sim/vipps/world.js";
import type { ExchangeRequest } from "../agent/vipps/node-http-exchange.js";

/**
 * Vipps MobilePay in-process: the simulator's own payment, token, QR and webhook logic
 * (sim/vipps, the model its contract tests hold to the official specs), reached by the Vipps
 * client's HTTP exchange calling its routes directly instead of over a socket. Webhooks leave through `post`.
 */
const SIM_BASE_URL = "http://vipps.sim.invalid";

let signer: IdTokenSigner | undefined;

/** One capture request as Vipps received it, with its answer (whether or not the answer got back). */
export interface CaptureRequest {
  readonly reference: string;
  readonly idempotencyKey: string | undefined;
  readonly status: number;
}

export interface InProcessVipps {
  readonly world: SimWorld;
  readonly control: SimulatorControl;
  readonly salesUnit: SalesUnit;
  /** Every payment Vipps holds: the truth the invariants are checked against. */
  payments(): Payment[];
  /** Every capture request that reached Vipps, in order of arrival. */
  captureRequests(): readonly CaptureRequest[];
  /** Runs one request through the routes; never throws (a handler failure is a 500). */
  handle(request: ExchangeRequest, body: Buffer): Promise<SimResponse>;
  close(): void;
}

export function inProcessVipps(
  clock: Clock,
  random: () => number,
  bytes: RandomBytes,
  post: PostFn,
): InProcessVipps {
  const o = resolveOptions({ clock, random, webhooks: { retryDelaysMs: [1_000, 5_000, 30_000, 120_000] } });
  const logger = silentLogger();
  const lifetime = new AbortController();
  const registry = new WebhookRegistry(bytes);
  const dispatcher = new WebhookDispatcher({
    registry,
    clock,
    random,
    retryDelaysMs: o.webhookRetryDelaysMs,
    timeoutMs: o.webhookTimeoutMs,
    logger,
    lifetime: lifetime.signal,
    post,
    randomBytes: bytes,
  });
  const customers = new CustomerDirectory(o.customers, {
    payment: o.defaultPaymentBehaviour,
    login: o.defaultLoginBehaviour,
  });
  const world: SimWorld = {
    options: o,
    baseUrl: () => SIM_BASE_URL,
    tokens: new AccessTokenStore(o.accessTokenTtlSeconds, bytes),
    customers,
    customerTokens: new CustomerTokenStore(o.customerTokenTtlMs, bytes),
    qrs: new QrStore(),
    webhooks: registry,
    dispatcher,
    payments: new PaymentService({
      clock,
      customers,
      dispatcher,
      expiryMs: o.paymentExpiryMs,
      logger,
      randomBytes: bytes,
    }),
    orders: new OrderStore(),
    logins: new CibaService({
      clock,
      customers,
      dispatcher,
      intervalSeconds: o.pollIntervalSeconds,
      accessTokenTtlSeconds: o.loginAccessTokenTtlSeconds,
      maxConcurrentPerUser: o.maxConcurrentLoginsPerUser,
    }),
    // An RSA key pair takes milliseconds to make; the simulated tills never log customers in.
    idTokens: (signer ??= new IdTokenSigner()),
    faults: new FaultInjector(random),
    requestLog: new RequestLog(),
  };
  const routes: Route[] = [
    ...accessTokenRoutes(world),
    ...merchantCallbackRoutes(world),
    ...epaymentRoutes(world),
    ...orderManagementRoutes(world),
  ];
  const salesUnit = o.salesUnits[0];
  if (salesUnit === undefined) throw new Error("the simulator has no sales unit");
  const captures: CaptureRequest[] = [];

  return {
    world,
    control: new SimulatorControl(world),
    salesUnit,
    payments: () => world.payments.list(),
    captureRequests: () => captures,
    async handle(request, rawBody) {
      const url = new URL(request.url);
      const path = url.pathname;
      const now = clock.now();
      const match = matchRoute(routes, request.method, path);
      if (match.kind !== "found")
        return errorResponse("epayment", path, now, { status: 404, title: "Not Found", detail: path });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      const ctx: RequestContext = {
        method: request.method,
        url,
        path,
        params: match.params,
        headers,
        rawBody,
        endpoint: match.route.endpoint,
        family: match.route.family,
        now,
        note: {},
        error: (spec) => errorResponse(match.route.family, path, now, spec),
        header: (name) => headers[name.toLowerCase()],
      };
      let answer: SimResponse;
      try {
        answer = await match.route.handle(ctx);
      } catch {
        answer = ctx.error({ status: 500, title: "Internal Server Error", detail: "handler failed" });
      }
      if (match.route.endpoint === "epayment.capture")
        captures.push({
          reference: match.params.reference ?? "",
          idempotencyKey: headers["idempotency-key"],
          status: answer.status,
        });
      return answer;
    },
    close() {
      lifetime.abort(new Error("trial over"));
      world.payments.close();
      world.logins.close();
      world.dispatcher.close();
    },
  };
}
