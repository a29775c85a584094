/**
 * The Vipps MobilePay API client (hand-written, on node:http with a keep-alive pool) and the
 * webhook signature check. Facts about the APIs: docs/vipps-api.md; shapes: the specs in
 * test/contract/vipps-openapi/ (every request the client sends is validated against them in tests).
 *
 *   const client = new VippsClient(vippsClientOptions(loaded, { logger, signal }));
 *
 *   client.qr.putMerchantCallback(id, { locationDescription, category? })      → void
 *   client.qr.getMerchantCallback(id, { format: "PNG" | "SVG", size? }?)        → MerchantCallbackQr (qrContent)
 *   client.qr.listMerchantCallbacks(image?)                                    → MerchantCallbackQr[]
 *   client.qr.deleteMerchantCallback(id)                                       → void
 *   client.qr.exchangeCustomerToken(customerToken)                             → { msisdn, timestamp? }
 *   client.webhooks.register({ url, events })                                  → { id, secret }  (secret only now)
 *   client.webhooks.list()                                                     → WebhookRegistration[]
 *   client.webhooks.delete(id)                                                 → void
 *   client.epayment.create(body, idempotencyKey)                               → { reference, redirectUrl? }
 *     (posPushPayment({ reference, amount, customerToken, paymentDescription, receipt, metadata? })
 *      builds the body of this flow: WALLET, PUSH_MESSAGE, CUSTOMER_PRESENT)
 *   client.epayment.get(reference)                                             → Payment
 *   client.epayment.events(reference)                                          → PaymentEvent[]
 *   client.epayment.capture(reference, amount, idempotencyKey)                 → ModificationResponse
 *   client.epayment.cancel(reference, { cancelTransactionOnly }, idempotencyKey) → ModificationResponse
 *   client.epayment.refund(reference, amount, idempotencyKey)                  → ModificationResponse
 *   client.epayment.forceApprove(reference, { customer } | { token })           → void  (test env only)
 *   client.orderManagement.addReceipt(reference, receipt, paid)                → void  (409 if the order has one)
 *   client.login.discovery()                                                   → OidcDiscovery (cached per max-age)
 *   client.login.startCiba({ scope, loginHint: { msisdn }, bindingMessage?, requestedExpiry? }) → CibaStarted
 *   client.login.pollToken(authReqId)                                          → CibaPollResult
 *   client.login.userinfo(loginAccessToken)                                    → Userinfo
 *   client.verifyCredentials()                                                 → void (fetches the access token)
 *   client.close()                                                             → void (idle connections closed)
 *
 * Contracts:
 * - Every failure is a `VippsError` (`isVippsError(e, code?)`), carrying `status`, the Vipps
 *   numeric code (`e.vippsCode`, `vippsErrorCodeOf(e)`, `hasVippsCode(e, "6060")`), `traceId`,
 *   `operation` and `endpoint`. Bad arguments are refused with VIPPS_INVALID_ARGUMENT before
 *   anything is sent. VIPPS_TIMEOUT / VIPPS_NETWORK (unless refused) / 5xx mean the outcome is
 *   unknown: repeat with the SAME Idempotency-Key, or GET the payment.
 * - The caller supplies the Idempotency-Key (create/capture/cancel/refund), 1–50 characters;
 *   the same key and the same body go on every retry, each in a fresh request.
 * - Retries: network errors, timeouts, 5xx, 423, 429 (Retry-After honoured up to
 *   `maxRetryAfterMs`), `maxRetries` times, capped exponential backoff with full jitter on the
 *   injected clock. Other 4xx are final. Webhook registration and CIBA start create something
 *   without a key, so they retry only refused connections, 423 and 429 (CIBA start: not 429);
 *   the token poll does not retry 429 either (its caller polls anyway; `retryAfterMs` says how long).
 * - Access token: cached, refreshed before expiry from the local receipt time, one refresh
 *   shared by concurrent callers, and on a 401 refreshed once and the call retried once.
 * - Nothing secret (client secret, subscription key, tokens, customer tokens, login hints,
 *   auth_req_id) and no phone number appears in a log line or an error message.
 */
export { VippsClient, type VippsClientOptions } from "./client.js";
export { vippsClientOptions } from "./options.js";
export { posPushPayment } from "./pos-payment.js";
export { VippsError, isVippsError, hasVippsCode, vippsErrorCodeOf, type VippsErrorCode } from "./errors.js";
export { REFERENCE_PATTERN } from "./validate-input.js";
export type * from "./types/epayment.js";
export type * from "./types/qr.js";
export type * from "./types/webhooks.js";
export type * from "./types/login.js";
