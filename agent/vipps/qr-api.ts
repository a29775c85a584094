import { parseAnswer } from "./parse-answer.js";
import { customerExchangeSchema, merchantCallbackQrSchema } from "./response-schemas.js";
import { IDEMPOTENT } from "./retry-policy.js";
import type { VippsTransport } from "./transport.js";
import type {
  CustomerExchangeResult,
  MerchantCallbackPut,
  MerchantCallbackQr,
  QrImageOptions,
} from "./types/qr.js";
import { checkQrId, invalid, type OpRef } from "./validate-input.js";

/**
 * QR API: merchant callback QRs (one per till; the till id is the `merchantQrId`) and the
 * customer-token exchange (docs/vipps-api.md §3, §3.1). PUT is naturally idempotent and the exchange
 * is read-only, so every call here may be retried after an unknown outcome.
 */
const BASE = "/qr/v1/merchant-callback";

const op = (operation: string, endpoint: string): OpRef => ({ operation: `qr.${operation}`, endpoint });

function imageQuery(spec: OpRef, image: QrImageOptions | undefined): string {
  if (image === undefined) return "";
  if (image.format !== "PNG" && image.format !== "SVG")
    throw invalid(spec, "image format must be PNG or SVG");
  const params = new URLSearchParams({ QrImageFormat: image.format });
  if (image.size !== undefined) {
    if (image.format !== "PNG") throw invalid(spec, "image size applies to PNG only");
    if (!Number.isInteger(image.size) || image.size < 100 || image.size > 2000)
      throw invalid(spec, "image size must be an integer 100–2000 (px)");
    params.set("QrImageSize", String(image.size));
  }
  return `?${params.toString()}`;
}

export class QrApi {
  constructor(private readonly transport: VippsTransport) {}

  /** Creates the QR or updates its location text (the image never changes). 200, no body. */
  async putMerchantCallback(merchantQrId: string, body: MerchantCallbackPut): Promise<void> {
    const spec = op("putMerchantCallback", `PUT ${BASE}/{merchantQrId}`);
    checkQrId(spec, merchantQrId);
    const location: unknown = body.locationDescription;
    if (typeof location !== "string" || location.length < 1 || location.length > 36)
      throw invalid(spec, "locationDescription must be 1–36 characters");
    if (body.category !== undefined && (typeof body.category !== "string" || body.category === ""))
      throw invalid(spec, "category must be a non-empty string");
    const json =
      body.category === undefined
        ? { locationDescription: location }
        : { locationDescription: location, category: body.category };
    await this.transport.call({
      ...spec,
      method: "PUT",
      path: `${BASE}/${merchantQrId}`,
      auth: { kind: "access-token" },
      json,
      retry: IDEMPOTENT,
    });
  }

  /** One QR with its `qrContent` (the text to render) and a fresh `qrImageUrl`. */
  async getMerchantCallback(merchantQrId: string, image?: QrImageOptions): Promise<MerchantCallbackQr> {
    const spec = op("getMerchantCallback", `GET ${BASE}/{merchantQrId}`);
    checkQrId(spec, merchantQrId);
    const path = `${BASE}/${merchantQrId}${imageQuery(spec, image)}`;
    const result = await this.transport.call({
      ...spec,
      method: "GET",
      path,
      auth: { kind: "access-token" },
      retry: IDEMPOTENT,
    });
    return parseAnswer(merchantCallbackQrSchema, result, spec);
  }

  /** Every merchant callback QR of the sales unit (MSN). */
  async listMerchantCallbacks(image?: QrImageOptions): Promise<MerchantCallbackQr[]> {
    const spec = op("listMerchantCallbacks", `GET ${BASE}`);
    const result = await this.transport.call({
      ...spec,
      method: "GET",
      path: `${BASE}${imageQuery(spec, image)}`,
      auth: { kind: "access-token" },
      retry: IDEMPOTENT,
    });
    return parseAnswer(merchantCallbackQrSchema.array(), result, spec);
  }

  /** Users scanning a deleted QR are told it was not found. */
  async deleteMerchantCallback(merchantQrId: string): Promise<void> {
    const spec = op("deleteMerchantCallback", `DELETE ${BASE}/{merchantQrId}`);
    checkQrId(spec, merchantQrId);
    await this.transport.call({
      ...spec,
      method: "DELETE",
      path: `${BASE}/${merchantQrId}`,
      auth: { kind: "access-token" },
      retry: IDEMPOTENT,
    });
  }

  /**
   * The customer token of a `user.checked-in.v1` → the customer's MSISDN (for a loyalty
   * lookup). The token and the number are personal data: neither is logged.
   */
  async exchangeCustomerToken(customerToken: string): Promise<CustomerExchangeResult> {
    const spec = op("exchangeCustomerToken", "POST /qr/v1/exchange/customer");
    if (typeof customerToken !== "string" || customerToken === "")
      throw invalid(spec, "customerToken must be a non-empty string");
    const result = await this.transport.call({
      ...spec,
      method: "POST",
      path: "/qr/v1/exchange/customer",
      auth: { kind: "access-token" },
      json: { customer: { customerToken }, requestedData: ["MSISDN"] },
      retry: IDEMPOTENT,
      sensitive: [customerToken],
    });
    return parseAnswer(customerExchangeSchema, result, spec);
  }
}
