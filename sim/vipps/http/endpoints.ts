/**
 * Names of the simulated Vipps MobilePay endpoints. Fault rules, the request log and the
 * documentation use these names, so they are part of the simulator's public surface.
 */
export const ENDPOINTS = [
  "accesstoken",
  "qr.callback.put",
  "qr.callback.get",
  "qr.callback.list",
  "qr.callback.delete",
  "qr.exchange.customer",
  "qr.image",
  "webhooks.register",
  "webhooks.list",
  "webhooks.delete",
  "epayment.create",
  "epayment.get",
  "epayment.events",
  "epayment.capture",
  "epayment.cancel",
  "epayment.refund",
  "epayment.approve",
  "order-management.receipt.add",
  "order-management.order.get",
  "login.discovery",
  "login.jwks",
  "login.authorize",
  "login.ciba",
  "login.user-exists",
  "login.token",
  "login.userinfo",
  "userinfo.by-sub",
] as const;

export type EndpointId = (typeof ENDPOINTS)[number];

/** The control API's own routes; never subject to fault injection. */
export type ControlEndpointId = `control.${string}`;

export function isEndpointId(value: unknown): value is EndpointId {
  return typeof value === "string" && (ENDPOINTS as readonly string[]).includes(value);
}
