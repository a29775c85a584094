/**
 * The Vipps MobilePay simulator: an HTTP server on loopback with Vipps' real semantics, for the
 * tests, the demo (`npm start`) and anyone evaluating the project without a Vipps account.
 * docs/simulator.md describes what it implements and how it differs from the real APIs.
 *
 * Programmatic entry:
 *
 *   const sim = await startVippsSimulator({ clock?, port?: 0, host?: "127.0.0.1", salesUnits?, … });
 *   sim.url                 // "http://127.0.0.1:<port>" — the agent's vipps.baseUrl
 *   sim.salesUnits          // [{ name, msn, currency, brand, clientId, clientSecret, subscriptionKey, … }]
 *   sim.control.scan({ msisdn, qrContent })        // the customer scans a till's QR → user.checked-in.v1
 *   sim.control.approvePayment(reference)           // or declinePayment / ignorePayment
 *   sim.control.setCustomer(msisdn, { status?, payment?, login?, profile? })
 *   sim.control.setDefaultBehaviour({ payment?, login? })  // { action: "approve" | "decline", afterMs } | { action: "ignore" }
 *   sim.control.approveLogin(authReqId)             // or declineLogin / ignoreLogin
 *   sim.control.addFault({ endpoint, status? | drop?, latencyMs?, rate?, times? })  → id
 *   sim.control.setWebhookFaults({ delayMs?, duplicateRate?, reorder? })
 *   sim.control.payments() / deliveries() / logins() / requests() / webhookRegistrations() / qrs()
 *   await sim.close()
 *
 * Defaults: port 0 (a free port), one NOK (Vipps, MSN 123456) and one DKK (MobilePay, MSN 234567)
 * sales unit with credentials derived from the MSN, access tokens valid 1 h, payments expiring
 * after 10 min, customer tokens valid 15 min, every customer approving after 1.5 s.
 */
export { startVippsSimulator, type VippsSimulator } from "./simulator.js";
export { type CustomerBehaviour, type SalesUnit, type VippsSimulatorOptions } from "./options.js";
export { ENDPOINTS } from "./http/endpoints.js";
export type { DeliveryRecord } from "./webhooks/dispatcher.js";
export { isSimError } from "./errors.js";
