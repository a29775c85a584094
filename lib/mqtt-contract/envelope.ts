import { z } from "zod";

/**
 * The envelope the bridge publishes for every verified webhook (docs/mqtt-contract.md
 * §Envelope). It carries the webhook exactly as Vipps sent it — the raw body bytes (base64) and
 * the three signature headers — plus the registered URL, so the till verifies the HMAC itself:
 * the broker (and anyone who can publish to it) is not trusted to mint payments.
 *
 * Version 1. Consumers ignore fields they do not know; a change that breaks a consumer bumps `v`.
 */
const ENVELOPE_VERSION = 1;

/** The largest webhook body the contract carries (the bridge's limit may be lower). */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

const MAX_BODY_BASE64 = Math.ceil(MAX_WEBHOOK_BODY_BYTES / 3) * 4;
/**
 * The largest envelope (UTF-8 JSON bytes) a till accepts: the largest body as base64 plus 16 KiB
 * for the headers (3 × at most 1,024 characters), the registered URL, the route and the field names.
 */
export const MAX_ENVELOPE_BYTES = MAX_BODY_BASE64 + 16 * 1024;
const header = z.string().min(1).max(1024);

const envelopeSchema = z.looseObject({
  v: z.literal(ENVELOPE_VERSION),
  /** When the bridge received the webhook, ISO 8601 UTC (diagnostics only; never trusted for age). */
  receivedAt: z.iso.datetime(),
  /** The URL registered at Vipps (its host and path are signed). Informational for the agent, which verifies against its own configured URL. */
  registeredUrl: z.url({ protocol: /^https?$/ }),
  headers: z.looseObject({
    "x-ms-date": header,
    "x-ms-content-sha256": header,
    authorization: header,
  }),
  /** The raw request body, standard base64 with padding. */
  body: z.base64().max(MAX_BODY_BASE64),
  /** How the bridge routed it; informational — the agent re-derives everything from the verified body. */
  route: z.looseObject({
    msn: z.string().max(64).optional(),
    tillId: z.string().max(64).optional(),
    event: z.string().max(128).optional(),
    reason: z.string().max(256).optional(),
  }),
});

type WebhookEnvelope = z.output<typeof envelopeSchema>;

export interface EnvelopeInput {
  readonly receivedAt: Date;
  readonly registeredUrl: string;
  readonly headers: {
    readonly "x-ms-date": string;
    readonly "x-ms-content-sha256": string;
    readonly authorization: string;
  };
  readonly rawBody: Uint8Array;
  readonly route: WebhookEnvelope["route"];
}

/** The MQTT payload (UTF-8 JSON) for a webhook. */
export function encodeEnvelope(input: EnvelopeInput): Buffer {
  const envelope: WebhookEnvelope = {
    v: ENVELOPE_VERSION,
    receivedAt: input.receivedAt.toISOString(),
    registeredUrl: input.registeredUrl,
    headers: {
      "x-ms-date": input.headers["x-ms-date"],
      "x-ms-content-sha256": input.headers["x-ms-content-sha256"],
      authorization: input.headers.authorization,
    },
    body: Buffer.from(input.rawBody).toString("base64"),
    route: input.route,
  };
  return Buffer.from(JSON.stringify(envelope), "utf8");
}

export type DecodedEnvelope =
  | { readonly ok: true; readonly envelope: WebhookEnvelope; readonly rawBody: Buffer }
  | { readonly ok: false; readonly problem: string };

/**
 * Parses and schema-checks an MQTT payload. Never throws: a bad envelope is a value the caller
 * counts and logs. `problem` names the offending field, never its content.
 */
export function decodeEnvelope(payload: Uint8Array): DecodedEnvelope {
  if (payload.byteLength > MAX_ENVELOPE_BYTES) return { ok: false, problem: "payload too large" };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch {
    return { ok: false, problem: "payload is not JSON" };
  }
  const result = envelopeSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path =
      issue === undefined || issue.path.length === 0 ? "(envelope)" : issue.path.map(String).join(".");
    return { ok: false, problem: `${path}: ${issue?.message ?? "invalid"}` };
  }
  const rawBody = Buffer.from(result.data.body, "base64");
  // z.base64 admits only canonical padded base64, so this round trip is exact; it guards
  // against a decoder that silently skips characters.
  if (rawBody.toString("base64") !== result.data.body)
    return { ok: false, problem: "body: not canonical base64" };
  return { ok: true, envelope: result.data, rawBody };
}
