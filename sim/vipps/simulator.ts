import type { Clock } from "../../lib/clock.js";
import { silentLogger } from "../../lib/log.js";
import { accessTokenRoutes } from "./access-token/routes.js";
import { AccessTokenStore } from "./access-token/token-store.js";
import { SimulatorControl } from "./control/control.js";
import { controlRoutes } from "./control/routes.js";
import { CustomerDirectory } from "./customers/customer-directory.js";
import { CustomerTokenStore } from "./customers/customer-tokens.js";
import { PaymentService } from "./epayment/payment-service.js";
import { epaymentRoutes } from "./epayment/routes.js";
import { OrderStore } from "./order-management/order-store.js";
import { orderManagementRoutes } from "./order-management/routes.js";
import { simError } from "./errors.js";
import { FaultInjector } from "./http/faults.js";
import { RequestLog } from "./http/request-log.js";
import { startHttpServer } from "./http/server.js";
import { CibaService } from "./login/ciba-service.js";
import { IdTokenSigner } from "./login/id-token.js";
import { loginRoutes } from "./login/routes.js";
import { resolveOptions, type SalesUnit, type VippsSimulatorOptions } from "./options.js";
import { customerExchangeRoutes, merchantCallbackRoutes } from "./qr/routes.js";
import { QrStore } from "./qr/qr-store.js";
import { WebhookDispatcher } from "./webhooks/dispatcher.js";
import { postOnce } from "./webhooks/http-post.js";
import { WebhookRegistry } from "./webhooks/registry.js";
import { webhookRoutes } from "./webhooks/routes.js";
import type { SimWorld } from "./world.js";

export interface VippsSimulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`: the agent's `vipps.baseUrl`. */
  readonly url: string;
  readonly port: number;
  /** Credentials of every sales unit (client id/secret, subscription key, MSN, currency). */
  readonly salesUnits: readonly SalesUnit[];
  /** The customer's phone, the network, and observability. */
  readonly control: SimulatorControl;
  /** The clock the simulator runs on (the injected one, or the system clock). */
  readonly clock: Clock;
  /** Stops listening, drops open connections, cancels timers and pending deliveries. Idempotent. */
  close(): Promise<void>;
}

export async function startVippsSimulator(options: VippsSimulatorOptions = {}): Promise<VippsSimulator> {
  const o = resolveOptions(options);
  const logger = (options.logger ?? silentLogger()).child({ module: "vipps-sim" });
  const lifetime = new AbortController();
  const clock = o.clock;
  let baseUrl = "";

  const registry = new WebhookRegistry();
  const dispatcher = new WebhookDispatcher({
    registry,
    clock,
    random: o.random,
    retryDelaysMs: o.webhookRetryDelaysMs,
    timeoutMs: o.webhookTimeoutMs,
    logger,
    lifetime: lifetime.signal,
    post: (url, headers, body, timeoutMs, signal) => postOnce(url, headers, body, timeoutMs, clock, signal),
  });
  const customers = new CustomerDirectory(o.customers, {
    payment: o.defaultPaymentBehaviour,
    login: o.defaultLoginBehaviour,
  });
  const world: SimWorld = {
    options: o,
    baseUrl: () => baseUrl,
    tokens: new AccessTokenStore(o.accessTokenTtlSeconds),
    customers,
    customerTokens: new CustomerTokenStore(o.customerTokenTtlMs),
    qrs: new QrStore(),
    webhooks: registry,
    dispatcher,
    payments: new PaymentService({ clock, customers, dispatcher, expiryMs: o.paymentExpiryMs, logger }),
    orders: new OrderStore(),
    logins: new CibaService({
      clock,
      customers,
      dispatcher,
      intervalSeconds: o.pollIntervalSeconds,
      accessTokenTtlSeconds: o.loginAccessTokenTtlSeconds,
      maxConcurrentPerUser: o.maxConcurrentLoginsPerUser,
    }),
    idTokens: new IdTokenSigner(),
    faults: new FaultInjector(o.random),
    requestLog: new RequestLog(),
  };
  const control = new SimulatorControl(world);
  const routes = [
    ...accessTokenRoutes(world),
    ...merchantCallbackRoutes(world),
    ...customerExchangeRoutes(world),
    ...webhookRoutes(world),
    ...epaymentRoutes(world),
    ...orderManagementRoutes(world),
    ...loginRoutes(world),
    ...controlRoutes(world, control),
  ];
  const server = await startHttpServer(
    { routes, faults: world.faults, clock, logger, requestLog: world.requestLog, lifetime: lifetime.signal },
    o.host,
    o.port,
  );
  baseUrl = server.url;
  logger.info(
    { url: server.url, salesUnits: o.salesUnits.map((u) => u.msn) },
    "Vipps MobilePay simulator listening",
  );

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    salesUnits: o.salesUnits,
    control,
    clock,
    close: () => {
      closing ??= (async () => {
        lifetime.abort(simError("SIM_CLOSED", "the simulator was closed"));
        world.payments.close();
        world.logins.close();
        world.dispatcher.close();
        await server.close();
      })();
      return closing;
    },
  };
}
