import type { AccessTokenStore } from "./access-token/token-store.js";
import type { CustomerDirectory } from "./customers/customer-directory.js";
import type { CustomerTokenStore } from "./customers/customer-tokens.js";
import type { FaultInjector } from "./http/faults.js";
import type { RequestLog } from "./http/request-log.js";
import type { CibaService } from "./login/ciba-service.js";
import type { IdTokenSigner } from "./login/id-token.js";
import type { ResolvedOptions, SalesUnit } from "./options.js";
import type { PaymentService } from "./epayment/payment-service.js";
import type { OrderStore } from "./order-management/order-store.js";
import type { QrStore } from "./qr/qr-store.js";
import type { WebhookDispatcher } from "./webhooks/dispatcher.js";
import type { WebhookRegistry } from "./webhooks/registry.js";

/** The simulator's state and services, shared by the route modules and the control API. */
export interface SimWorld {
  readonly options: ResolvedOptions;
  /** The simulator's base URL (known once it listens). */
  baseUrl(): string;
  readonly tokens: AccessTokenStore;
  readonly customers: CustomerDirectory;
  readonly customerTokens: CustomerTokenStore;
  readonly qrs: QrStore;
  readonly webhooks: WebhookRegistry;
  readonly dispatcher: WebhookDispatcher;
  readonly payments: PaymentService;
  /** Order Management: each payment's receipt for the app. */
  readonly orders: OrderStore;
  readonly logins: CibaService;
  readonly idTokens: IdTokenSigner;
  readonly faults: FaultInjector;
  readonly requestLog: RequestLog;
}

export function unitByMsn(world: SimWorld, msn: string): SalesUnit | undefined {
  return world.options.salesUnits.find((u) => u.msn === msn);
}

export function unitByClientId(world: SimWorld, clientId: string): SalesUnit | undefined {
  return world.options.salesUnits.find((u) => u.clientId === clientId);
}
