/**
 * The register link: protocol v1 between the cash register and the agent on a serial cable
 * (the vendor document: docs/register-protocol.md).
 *
 * ## How the agent uses it
 *
 * ```ts
 * const link = createRegisterLink({
 *   transport: createSerialTransport({ ...serialTransportOptions(config.register), logger }),
 *   ...registerLinkOptions(config.register),   // ackTimeoutMs, maxRetransmits, heartbeatIntervalMs
 *   tillId: config.till.id,
 *   software: "vipps-pos-agent/0.1.0",
 *   clock,
 *   logger,
 *   handler: (message: RegisterCommand) => acceptanceOf(message),   // → Acceptance, synchronously
 * });
 * link.onStateChange((state) => { if (state === "up") resendUnackedFinalSales(); });
 * link.start();
 * const result = await link.send({ type: "sale", saleId, state: "captured", final: true, ... });
 * ```
 *
 * - `createRegisterLink(options) → RegisterLink`; `link.state` is "closed" | "opening" |
 *   "handshaking" | "up" | "unreachable" ("unreachable": the register stopped answering; the
 *   link keeps reopening the device and saying hello, with backoff, until it answers).
 *   `onStateChange(listener) → unsubscribe` reports every change; "up" comes after EVERY
 *   completed hello exchange (first start, register restart, cable replug), which is when
 *   the checkout re-sends the stored final `sale` messages the register has not acked.
 *   Every hello that starts a session carries a new random `session` (extension), so a peer
 *   restarted a moment after an exchange (the agent under systemd, a rebooting register) is
 *   recognised at once; a peer that sends none is told apart from a retransmitted hello by
 *   time (the v1 rule), which can cost it a reopen.
 * - Inbound: `handler(message: RegisterCommand)` (basket | pay | cancel | refund | status |
 *   totals) is
 *   called once per intact, valid, non-duplicate frame, one at a time, BEFORE the frame is
 *   acked; `{ ok: true }` → plain ack, `{ ok: false, code, message }` → refusing ack (the
 *   register knows nothing was done). Business refusals (UNKNOWN_SALE, SALE_LOCKED, SALE_BUSY,
 *   NOT_CAPTURED, REFUND_TOO_LARGE, BAD_CURRENCY for another market's currency) are the
 *   handler's; the link itself refuses malformed content (BAD_FIELD naming the field,
 *   BASKET_TOTAL_MISMATCH, BAD_CURRENCY, UNKNOWN_TYPE) without calling it, and answers ping
 *   and hello itself. A repeated seq is re-acked with the same answer and not delivered again;
 *   a handler that throws becomes a refusing ack INTERNAL_ERROR. Answer within the register's
 *   ack timeout (1 s by default): record, return, work afterwards.
 * - Outbound: `send(report: AgentReport) → Promise<SendResult>` (sale | receipt | totals), one frame at
 *   a time in call order (stop-and-wait): resolves `{ acked: true }` or
 *   `{ refused: { code, message } }`; rejects with AgentError REGISTER_DOWN (not up, or it went
 *   down while waiting), REGISTER_UNREACHABLE (1 + maxRetransmits transmissions without an
 *   ack) or REGISTER_BAD_MESSAGE (the report breaks the protocol; nothing was sent). A rejected
 *   send may still have reached the register: re-send final reports after the next "up".
 * - `stop()` closes the device; pending sends reject with REGISTER_DOWN.
 * - `peer` (the register's hello), `counters` (frames, retransmits, naks, bad CRCs, oversized
 *   frames, duplicates, refusals), `onTraffic(listener)` (every frame in and out, for tools),
 *   `waitForState(state, timeoutMs?)`.
 * - Transports: `createSerialTransport(options)` (serialport; opens by path, reopens with
 *   backoff, never buffers without bound) and `createMemoryCable()` (two connected in-memory
 *   ends, for the demo and tests). The register's end of the link is `createRegisterSideLink`
 *   (used by the reference register in sim/register).
 */

export { createRegisterLink, type RegisterLink } from "./register-link.js";
export { createRegisterSideLink, type RegisterSideLink } from "./register-side-link.js";
export type { LinkState } from "./link-state.js";
export { registerLinkOptions, serialTransportOptions } from "./options.js";
export type { LinkTransport } from "./transport.js";
export { createSerialTransport } from "./serial-transport.js";
export { createMemoryCable, type CableEnd, type MemoryCable } from "./memory-transport.js";
export {
  refuse,
  type Acceptance,
  type AgentReport,
  type Basket,
  type BasketLine,
  type PayCustomer,
  type ReceiptMessage,
  type RegisterCommand,
  type SaleMessage,
  type SaleReport,
  type SaleState,
  type SendResult,
  type Tender,
  type TotalsMessage,
  type TotalsRequest,
} from "./messages.js";
export { registerLinkError } from "./errors.js";
export { decodeLine, encodeFrame, FrameReader } from "./frame-codec.js";
export { validateRegisterMessage } from "./validate-register.js";
export { describeMessage, describeMessageLong, formatAmount } from "./describe-message.js";
export * from "./protocol.js";
