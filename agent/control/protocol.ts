import { z } from "zod";
import { MAXIMUM_PAYMENT } from "../../lib/money.js";
import type { PrintDocument } from "../../drivers/printer/index.js";
import type { AgentStatus, HoldStatusLine, SaleStatusLine } from "./api.js";
import { controlError } from "./errors.js";

/** Open holds a status lists (the oldest first; a till holds a few at a time). */
export const MAX_HOLDS_SHOWN = 50;

/**
 * The control socket's wire format (docs/operations.md, "The control socket"): newline-delimited
 * JSON over a unix socket, one request and one response per connection.
 *
 *   → {"v":1,"method":"refund","reference":"kasse1-…","amount":1250}\n
 *   ← {"v":1,"ok":true,"result":{…}}\n      or      {"v":1,"ok":false,"error":{"code":"NOT_CAPTURED","message":"…"}}\n
 *
 * Pure: parsing and encoding only, no I/O.
 */
const PROTOCOL_VERSION = 1;

/** A request line longer than this (bytes, newline excluded) is refused: nothing legitimate comes close. */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** A response line longer than this is refused by the client (a status is a few kilobytes). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export const CONTROL_METHODS = ["status", "reprint", "refund", "refreshQr", "print"] as const;
export type ControlMethod = (typeof CONTROL_METHODS)[number];

export type ControlRequest =
  | { readonly method: "status" }
  /** `sale`: a sale id, payment reference or sale number; absent = the last captured sale. */
  | { readonly method: "reprint"; readonly sale?: string }
  /** `amount`: minor units, absent = everything not yet refunded. */
  | { readonly method: "refund"; readonly reference: string; readonly amount?: number }
  | { readonly method: "refreshQr" }
  | { readonly method: "print"; readonly document: PrintDocument };

export interface ControlResults {
  status: AgentStatus;
  reprint: { saleId: string; jobId: string };
  refund: SaleStatusLine;
  refreshQr: null;
  print: { jobId: string };
}

/** What any code of ours may put in a sale/reference argument: ids and references are ASCII without spaces. */
const SALE_SELECTOR = /^[\x21-\x7e]{1,64}$/;
const REFERENCE = /^[a-zA-Z0-9-]{8,50}$/;

const requestSchemas = {
  status: z.strictObject({ v: z.literal(PROTOCOL_VERSION), method: z.literal("status") }),
  reprint: z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    method: z.literal("reprint"),
    sale: z
      .string()
      .regex(SALE_SELECTOR, { error: "expected a sale id, payment reference or sale number" })
      .optional(),
  }),
  refund: z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    method: z.literal("refund"),
    reference: z
      .string()
      .regex(REFERENCE, { error: "expected a payment reference (8–50 of A–Z, a–z, 0–9, -)" }),
    amount: z
      .int({ error: "expected an integer amount in minor units" })
      .min(1, { error: "expected at least 1 (minor units)" })
      .max(MAXIMUM_PAYMENT, { error: `expected at most ${MAXIMUM_PAYMENT} (minor units)` })
      .optional(),
  }),
  refreshQr: z.strictObject({ v: z.literal(PROTOCOL_VERSION), method: z.literal("refreshQr") }),
  // The document's content is checked by the printer driver's validateDocument on the server.
  print: z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    method: z.literal("print"),
    document: z.looseObject({ kind: z.string() }),
  }),
} as const;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(
      (issue) =>
        `${issue.path.length === 0 ? "request" : issue.path.map(String).join(".")}: ${issue.message}`,
    )
    .join("; ");
}

/** Parses one request line. Throws CONTROL_BAD_REQUEST / CONTROL_UNKNOWN_METHOD naming the problem. */
export function parseRequest(line: string): ControlRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw controlError("CONTROL_BAD_REQUEST", "the request is not valid JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw controlError("CONTROL_BAD_REQUEST", "the request must be a JSON object");
  const fields = raw as Record<string, unknown>;
  if (fields.v !== PROTOCOL_VERSION)
    throw controlError(
      "CONTROL_BAD_REQUEST",
      `unsupported protocol version (expected v: ${PROTOCOL_VERSION})`,
    );
  const method = fields.method;
  if (typeof method !== "string" || !(CONTROL_METHODS as readonly string[]).includes(method)) {
    throw controlError(
      "CONTROL_UNKNOWN_METHOD",
      `unknown method ${JSON.stringify(method)}; expected one of ${CONTROL_METHODS.join(", ")}`,
    );
  }
  const parsed = requestSchemas[method as ControlMethod].safeParse(raw);
  if (!parsed.success) throw controlError("CONTROL_BAD_REQUEST", describeIssues(parsed.error));
  const { v: _v, ...request } = parsed.data;
  return request as ControlRequest;
}

export function encodeRequest(request: ControlRequest): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, ...request })}\n`;
}

export function encodeResult(result: unknown): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, ok: true, result: result ?? null })}\n`;
}

export function encodeError(code: string, message: string): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, ok: false, error: { code, message } })}\n`;
}

const isoTime = z.string().min(1);

const saleStatusLineSchema = z.object({
  saleId: z.string(),
  saleNo: z.int(),
  state: z.string(),
  amount: z.int(),
  currency: z.string(),
  capturedAmount: z.int().optional(),
  refundedAmount: z.int().optional(),
  reference: z.string().optional(),
  reason: z.string().optional(),
  updatedAt: isoTime,
}) satisfies z.ZodType<SaleStatusLine>;

const holdStatusLineSchema = z.object({
  saleId: z.string(),
  saleNo: z.int(),
  reference: z.string(),
  authorizedAmount: z.int(),
  currency: z.string(),
  holdUntil: isoTime,
  actAt: isoTime,
  action: z.enum(["capture", "release"]),
}) satisfies z.ZodType<HoldStatusLine>;

const agentStatusSchema = z.object({
  version: z.string(),
  tillId: z.string(),
  msn: z.string(),
  pid: z.int(),
  startedAt: isoTime,
  uptimeSeconds: z.number().nonnegative(),
  ready: z.boolean(),
  identification: z.object({ setting: z.string(), current: z.string(), reason: z.string() }).optional(),
  degraded: z.array(z.string()),
  links: z.object({
    register: z.object({ state: z.string(), peer: z.string().optional() }),
    mqtt: z.object({ state: z.string() }),
    vipps: z.object({ state: z.enum(["ok", "failing", "unknown"]), lastError: z.string().optional() }),
    printer: z.object({
      state: z.enum(["online", "paper_out", "cover_open", "offline", "none"]),
      queued: z.int().nonnegative(),
    }),
    display: z.object({ state: z.enum(["ok", "failed", "none"]) }),
    gpio: z.object({ state: z.enum(["ok", "unavailable", "disabled"]) }),
  }),
  currentSale: saleStatusLineSchema.optional(),
  lastSales: z.array(saleStatusLineSchema).max(10),
  openHolds: z.array(holdStatusLineSchema).max(MAX_HOLDS_SHOWN).optional(),
  counters: z.record(z.string(), z.number()),
}) satisfies z.ZodType<AgentStatus>;

const resultSchemas: { readonly [M in ControlMethod]: z.ZodType<ControlResults[M]> } = {
  status: agentStatusSchema,
  reprint: z.object({ saleId: z.string(), jobId: z.string() }),
  refund: saleStatusLineSchema,
  refreshQr: z.null(),
  print: z.object({ jobId: z.string() }),
};

const responseSchema = z.union([
  z.object({ v: z.literal(PROTOCOL_VERSION), ok: z.literal(true), result: z.unknown() }),
  z.object({
    v: z.literal(PROTOCOL_VERSION),
    ok: z.literal(false),
    error: z.object({ code: z.string().min(1), message: z.string() }),
  }),
]);

/**
 * Parses a response line for `method`: the result, or the agent's error as an AgentError with
 * the agent's code. Throws CONTROL_BAD_RESPONSE for anything else.
 */
export function parseResponse<M extends ControlMethod>(
  method: M,
  line: string,
): { ok: true; result: ControlResults[M] } | { ok: false; error: AgentErrorLike } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw controlError("CONTROL_BAD_RESPONSE", "the agent's answer is not valid JSON");
  }
  const envelope = responseSchema.safeParse(raw);
  if (!envelope.success)
    throw controlError(
      "CONTROL_BAD_RESPONSE",
      `the agent's answer is malformed: ${describeIssues(envelope.error)}`,
    );
  if (!envelope.data.ok)
    return { ok: false, error: { code: envelope.data.error.code, message: envelope.data.error.message } };
  const result = resultSchemas[method].safeParse(envelope.data.result);
  if (!result.success)
    throw controlError(
      "CONTROL_BAD_RESPONSE",
      `the agent's ${method} answer is malformed: ${describeIssues(result.error)}`,
    );
  return { ok: true, result: result.data };
}

/** An error as it arrived from the agent: its code and message. */
export interface AgentErrorLike {
  readonly code: string;
  readonly message: string;
}
