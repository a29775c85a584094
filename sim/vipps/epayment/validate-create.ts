import { isCurrency, MAXIMUM_PAYMENT, MINIMUM_PAYMENT, type Money } from "../../../lib/money.js";
import { isPlainObject } from "../http/auth.js";
import type { ExtraDetail } from "../http/error-bodies.js";
import type { SalesUnit } from "../options.js";
import { refusal, type Refusal } from "./error-codes.js";
import { receiptProblems } from "./validate-receipt.js";

/**
 * Validation of `POST /epayment/v1/payments` (epayment.yaml CreatePaymentRequest, docs/vipps-api.md §6.1).
 * Two kinds of failure, as at Vipps: a malformed body (400 with `extraDetails` naming each field,
 * no error code) and a domain refusal (a numeric ErrorCode such as 4040 or 6010).
 */
export const REFERENCE_PATTERN = /^[a-zA-Z0-9-]{8,50}$/;
// The live API allows 8–64 characters; the vendored spec (and this simulator) 8–50 (SOURCES.md).

const USER_FLOWS = ["PUSH_MESSAGE", "NATIVE_REDIRECT", "WEB_REDIRECT", "QR"];
const INTERACTIONS = ["CUSTOMER_PRESENT", "CUSTOMER_NOT_PRESENT"];
const PROFILE_SCOPES = ["name", "address", "email", "phoneNumber", "birthDate", "nin"];
/** epayment.yaml CreatePaymentRequest.qrFormat.format; the default is IMAGE/SVG+XML. */
const QR_FORMATS = ["TEXT/TARGETURL", "IMAGE/SVG+XML", "IMAGE/PNG"] as const;
type QrFormat = (typeof QR_FORMATS)[number];

export type CustomerRef =
  | { readonly kind: "phoneNumber"; readonly value: string }
  | { readonly kind: "personalQr"; readonly value: string }
  | { readonly kind: "customerToken"; readonly value: string };

/**
 * Resolves the customer to an MSISDN, or refuses (4050, 4060, 4070, 7010). With
 * `minimumUserAge` (PUSH_MESSAGE only): 7010 too for a customer younger than that (age-limit.ts).
 */
export type CustomerResolver = (
  customer: CustomerRef,
  minimumUserAge?: number,
) => { readonly msisdn: string } | Refusal;

export interface CreateRequest {
  readonly reference: string;
  readonly amount: Money;
  readonly userFlow: string;
  readonly customerMsisdn?: string;
  readonly paymentDescription?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly profileScope?: string;
  readonly returnUrl?: string;
  /** With userFlow QR: what `redirectUrl` points to (the QR's target URL, or an image of the QR). */
  readonly qrFormat?: QrFormat;
  /** Whole years; the app refuses a younger customer (age-limit.ts). */
  readonly minimumUserAge?: number;
}

export type CreateValidation =
  | { readonly ok: true; readonly request: CreateRequest }
  | { readonly ok: false; readonly extraDetails: readonly ExtraDetail[] }
  | { readonly ok: false; readonly refusal: Refusal };

const optional = (v: unknown): boolean => v === undefined || v === null;

function schemaProblems(b: Record<string, unknown>): ExtraDetail[] {
  const out: ExtraDetail[] = [];
  if (typeof b.reference !== "string" || !REFERENCE_PATTERN.test(b.reference)) {
    out.push({ name: "reference", reason: "Required; must match ^[a-zA-Z0-9-]{8,50}$." });
  }
  const amount = b.amount;
  if (!isPlainObject(amount)) out.push({ name: "amount", reason: "Required object { currency, value }." });
  else {
    if (!isCurrency(amount.currency))
      out.push({ name: "amount.currency", reason: "Required: NOK, DKK or EUR." });
    if (typeof amount.value !== "number" || !Number.isFinite(amount.value))
      out.push({ name: "amount.value", reason: "Required integer (minor units)." });
    else if (amount.value > MAXIMUM_PAYMENT)
      out.push({ name: "amount.value", reason: `At most ${MAXIMUM_PAYMENT}.` });
  }
  const method = b.paymentMethod;
  if (!isPlainObject(method) || (method.type !== "WALLET" && method.type !== "CARD"))
    out.push({ name: "paymentMethod.type", reason: "Required: WALLET or CARD." });
  else if (method.type === "CARD" && b.userFlow !== "WEB_REDIRECT")
    out.push({ name: "paymentMethod.type", reason: "CARD needs userFlow WEB_REDIRECT." });
  if (!USER_FLOWS.includes(b.userFlow as string))
    out.push({ name: "userFlow", reason: `Required: one of ${USER_FLOWS.join(", ")}.` });
  if (!optional(b.customerInteraction) && !INTERACTIONS.includes(b.customerInteraction as string)) {
    out.push({ name: "customerInteraction", reason: `One of ${INTERACTIONS.join(", ")}.` });
  }
  const d = b.paymentDescription;
  if (!optional(d) && !(typeof d === "string" && d.length >= 3 && d.length <= 100))
    out.push({ name: "paymentDescription", reason: "String of 3 to 100 characters." });
  const age = b.minimumUserAge;
  if (!optional(age) && !(typeof age === "number" && Number.isSafeInteger(age) && age >= 0))
    out.push({ name: "minimumUserAge", reason: "Integer (years)." });
  if (!optional(b.returnUrl) && typeof b.returnUrl !== "string")
    out.push({ name: "returnUrl", reason: "String." });
  if (!optional(b.customer)) {
    const c = b.customer;
    const keys = isPlainObject(c)
      ? ["phoneNumber", "personalQr", "customerToken"].filter((k) => c[k] !== undefined && c[k] !== null)
      : [];
    if (!isPlainObject(c) || keys.length !== 1)
      out.push({ name: "customer", reason: "Exactly one of phoneNumber, personalQr or customerToken." });
    else if (typeof c[keys[0] as string] !== "string")
      out.push({ name: `customer.${keys[0]}`, reason: "String." });
  }
  if (!optional(b.metadata)) {
    if (!isPlainObject(b.metadata) || !Object.values(b.metadata).every((v) => typeof v === "string"))
      out.push({ name: "metadata", reason: "Object of string values." });
  }
  if (
    !optional(b.profile) &&
    !(isPlainObject(b.profile) && (b.profile.scope === undefined || typeof b.profile.scope === "string"))
  ) {
    out.push({ name: "profile.scope", reason: "Space-separated string." });
  }
  if (!optional(b.qrFormat)) {
    const q = b.qrFormat;
    if (!isPlainObject(q) || !(QR_FORMATS as readonly unknown[]).includes(q.format))
      out.push({ name: "qrFormat.format", reason: `Required: one of ${QR_FORMATS.join(", ")}.` });
    else if (
      !optional(q.size) &&
      !(typeof q.size === "number" && Number.isInteger(q.size) && q.size >= 100 && q.size <= 2000)
    )
      out.push({ name: "qrFormat.size", reason: "Integer from 100 to 2000." });
  }
  if (!optional(b.expiresAt) && typeof b.expiresAt !== "string")
    out.push({ name: "expiresAt", reason: "RFC 3339 string." });
  if (!optional(b.receipt) && isPlainObject(amount) && isCurrency(amount.currency))
    out.push(...receiptProblems(b.receipt, amount.currency));
  return out;
}

function customerRef(c: unknown): CustomerRef | undefined {
  if (!isPlainObject(c)) return undefined;
  if (typeof c.phoneNumber === "string") return { kind: "phoneNumber", value: c.phoneNumber };
  if (typeof c.personalQr === "string") return { kind: "personalQr", value: c.personalQr };
  if (typeof c.customerToken === "string") return { kind: "customerToken", value: c.customerToken };
  return undefined;
}

/** A returnUrl must be https:// or a custom app scheme (not plain http). */
function returnUrlOk(u: string): boolean {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/./.exec(u);
  return m !== null && m[1]?.toLowerCase() !== "http";
}

export function validateCreate(
  body: unknown,
  unit: SalesUnit,
  resolveCustomer: CustomerResolver,
): CreateValidation {
  if (!isPlainObject(body))
    return { ok: false, extraDetails: [{ name: "body", reason: "A JSON object is required." }] };
  const problems = schemaProblems(body);
  if (problems.length > 0) return { ok: false, extraDetails: problems };
  const amount = body.amount as { currency: Money["currency"]; value: number };
  const no = (r: Refusal): CreateValidation => ({ ok: false, refusal: r });

  if (!Number.isSafeInteger(amount.value) || amount.value < 0)
    return no(
      refusal(
        "4040",
        "The amount must be an integer number of minor units (øre/cents), e.g. 4900 for 49.00.",
      ),
    );
  if (amount.currency !== unit.currency)
    return no(refusal("5040", `This sales unit takes ${unit.currency}, not ${amount.currency}.`));
  if (amount.value < MINIMUM_PAYMENT[amount.currency])
    return no(
      refusal(
        "6010",
        `The minimum is ${MINIMUM_PAYMENT[amount.currency]} (minor units of ${amount.currency}).`,
      ),
    );

  const userFlow = body.userFlow as string;
  const ref = customerRef(body.customer);
  if (userFlow === "PUSH_MESSAGE") {
    if (ref === undefined) return no(refusal("4140", "userFlow PUSH_MESSAGE requires customer."));
    if (!unit.pushMessageAllowed)
      return no(refusal("5080", "This sales unit is not allowed to skip the landing page (PUSH_MESSAGE)."));
  }
  const returnUrl = body.returnUrl as string | undefined | null;
  if (userFlow === "WEB_REDIRECT" && (returnUrl === undefined || returnUrl === null))
    return no(refusal("4140", "userFlow WEB_REDIRECT requires returnUrl."));
  if (typeof returnUrl === "string" && !returnUrlOk(returnUrl))
    return no(refusal("4090", "returnUrl must use https:// or a custom URL scheme."));

  const metadata = body.metadata as Record<string, string> | undefined | null;
  if (metadata !== undefined && metadata !== null) {
    const entries = Object.entries(metadata);
    if (entries.length > 5) return no(refusal("4100", "At most 5 metadata entries."));
    if (entries.some(([k]) => k.length > 100))
      return no(refusal("4120", "Metadata keys are at most 100 characters."));
    if (entries.some(([, v]) => v.length > 500))
      return no(refusal("4130", "Metadata values are at most 500 characters."));
  }
  const scope =
    isPlainObject(body.profile) && typeof body.profile.scope === "string"
      ? body.profile.scope.trim()
      : undefined;
  if (scope !== undefined) {
    const scopes = scope.split(/\s+/).filter((s) => s !== "");
    if (scopes.length === 0 || scopes.some((s) => !PROFILE_SCOPES.includes(s)))
      return no(refusal("4080", `profile.scope takes ${PROFILE_SCOPES.join(", ")}.`));
    if (scopes.includes("nin"))
      return no(refusal("5030", "This sales unit may not ask for the national identity number."));
  }
  if (typeof body.expiresAt === "string")
    return no(refusal("5050", "This sales unit is not approved for long-living payments (expiresAt)."));

  const minimumUserAge = typeof body.minimumUserAge === "number" ? body.minimumUserAge : undefined;
  let customerMsisdn: string | undefined;
  if (ref !== undefined) {
    const resolved = resolveCustomer(ref, userFlow === "PUSH_MESSAGE" ? minimumUserAge : undefined);
    if ("code" in resolved) return no(resolved);
    customerMsisdn = resolved.msisdn;
  }
  const description = body.paymentDescription;
  return {
    ok: true,
    request: {
      reference: body.reference as string,
      amount: { currency: amount.currency, value: amount.value },
      userFlow,
      ...(customerMsisdn === undefined ? {} : { customerMsisdn }),
      ...(typeof description === "string" ? { paymentDescription: description } : {}),
      ...(metadata === undefined || metadata === null ? {} : { metadata: { ...metadata } }),
      ...(scope === undefined ? {} : { profileScope: scope }),
      ...(typeof returnUrl === "string" ? { returnUrl } : {}),
      // qrFormat applies only to userFlow QR (epayment.yaml); without one the default is SVG.
      ...(userFlow === "QR"
        ? { qrFormat: isPlainObject(body.qrFormat) ? (body.qrFormat.format as QrFormat) : "IMAGE/SVG+XML" }
        : {}),
      ...(minimumUserAge === undefined ? {} : { minimumUserAge }),
    },
  };
}
