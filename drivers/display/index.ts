/**
 * Customer display: what the customer sees on the screen beside the till.
 *
 * - `renderScreen(screen, { rows, columns, language, brand, currency }) → string` — pure: one
 *   full-screen ANSI frame for a `Screen` (idle, amount, waiting, loyalty_login, member, paid,
 *   not_paid, out_of_service). Texts in nb/da/fi/en; amounts, brand names and languages come
 *   from lib/locale, which the receipt printer shares (`kr 1 234,50`, `1.234,50 kr.`,
 *   `1 234,50 €`; Vipps for NOK and MobilePay for DKK/EUR under `brand: "auto"`). The QR
 *   encodes `qrContent` byte for byte (UTF-8) at error correction M with a 4-module quiet
 *   zone, as large as the screen allows (half-block characters).
 * - `qrFits(screen, options) → boolean` — whether that screen shows a scannable QR at that size.
 * - `CustomerDisplay { show(screen), close() }` — the device interface the checkout uses.
 * - `openTerminalDisplay({ target: { path } | { stream }, language, brand, currency, rows?, columns? })`
 *   — the real display: a TTY (size read from it), a file (SSH preview), or a stream (demo).
 * - `FakeCustomerDisplay` — records screens and frames; renders exactly like the real one.
 *
 * Errors are `AgentError<DisplayErrorCode>`.
 */
export type { CustomerDisplay } from "./customer-display.js";
export type { NotPaidReason, Screen, ScreenKind } from "./screen.js";
export { NOT_PAID_REASONS, SCREEN_KINDS } from "./screen.js";
export type { RenderOptions } from "./render-screen.js";
export { MIN_COLUMNS, MIN_ROWS, qrFits, renderScreen } from "./render-screen.js";
export { DISPLAY_TEXTS } from "./texts.js";
export { QR_QUIET_ZONE, qrMatrix } from "./qr-matrix.js";
export { LARGE_FONT, SMALL_FONT, bigTextBitmap } from "./big-font.js";
export type { FrameStream } from "./terminal-display.js";
export { openTerminalDisplay } from "./terminal-display.js";
export { FakeCustomerDisplay } from "./fake-display.js";
