import { authenticate, isPlainObject, parseJsonBody } from "../http/auth.js";
import { bytesResponse, emptyResponse, jsonResponse, type SimResponse } from "../http/responses.js";
import { defineRoute, type RequestContext, type Route } from "../http/router.js";
import { unitByMsn, type SimWorld } from "../world.js";
import { qrPng, qrSvg } from "./qr-image.js";
import type { CallbackQr } from "./qr-store.js";

/** QR API spec: `locationDescription` maxLength 36 (MerchantCallbackPutRequest). */
const LOCATION_DESCRIPTION_MAX = 36;

type ImageChoice = { format: "SVG" } | { format: "PNG"; size: number };

/** `QrImageFormat` PNG|SVG (default SVG), `QrImageSize` 100–2000 (PNG only; default 800). */
function imageChoice(ctx: RequestContext): ImageChoice | SimResponse {
  const format = ctx.url.searchParams.get("QrImageFormat") ?? "SVG";
  const sizeText = ctx.url.searchParams.get("QrImageSize");
  if (format !== "SVG" && format !== "PNG") {
    return ctx.error({
      status: 400,
      title: "Bad Request",
      detail: "QrImageFormat must be PNG or SVG.",
      extraDetails: [{ name: "QrImageFormat", reason: "expected PNG or SVG" }],
    });
  }
  let size = 800;
  if (sizeText !== null) {
    size = Number(sizeText);
    if (!/^\d+$/.test(sizeText) || size < 100 || size > 2000) {
      return ctx.error({
        status: 400,
        title: "Bad Request",
        detail: "QrImageSize must be an integer from 100 to 2000.",
        extraDetails: [{ name: "QrImageSize", reason: "expected 100–2000" }],
      });
    }
  }
  return format === "SVG" ? { format } : { format, size };
}

function present(world: SimWorld, qr: CallbackQr, image: ImageChoice): Record<string, string> {
  const file = `${encodeURIComponent(qr.merchantQrId)}.${image.format === "SVG" ? "svg" : "png"}`;
  const query = image.format === "PNG" ? `?size=${image.size}` : "";
  return {
    merchantSerialNumber: qr.msn,
    merchantQrId: qr.merchantQrId,
    locationDescription: qr.locationDescription,
    qrImageUrl: `${world.baseUrl()}/_sim/qr-images/${qr.msn}/${file}${query}`,
    qrContent: qr.qrContent,
  };
}

function notFound(ctx: RequestContext): SimResponse {
  return ctx.error({
    status: 404,
    title: "Not Found",
    detail: "No merchant callback QR with this merchantQrId for this Merchant-Serial-Number.",
  });
}

/** QR merchant callback (qr.yaml `/v1/merchant-callback…`, docs/vipps-api.md §3). */
export function merchantCallbackRoutes(world: SimWorld): Route[] {
  const base = "/qr/v1/merchant-callback";
  return [
    defineRoute("PUT", `${base}/{merchantQrId}`, "qr.callback.put", "qr", (ctx) => {
      const auth = authenticate(ctx, world.tokens, "required");
      if (!auth.ok) return auth.response;
      const body = parseJsonBody(ctx);
      if (!body.ok) return body.response;
      const b = body.value;
      const problems: { name: string; reason: string }[] = [];
      if (!isPlainObject(b)) {
        problems.push({ name: "body", reason: "A JSON object with locationDescription is required." });
      } else {
        const d = b.locationDescription;
        if (typeof d !== "string" || d.trim() === "")
          problems.push({
            name: "locationDescription",
            reason: "The LocationDescription field is required.",
          });
        else if (d.length > LOCATION_DESCRIPTION_MAX)
          problems.push({
            name: "locationDescription",
            reason: `The field LocationDescription must be a string with a maximum length of ${LOCATION_DESCRIPTION_MAX}.`,
          });
        if (b.category !== undefined && typeof b.category !== "string")
          problems.push({ name: "category", reason: "The field Category must be a string." });
      }
      if (problems.length > 0 || !isPlainObject(b)) {
        return ctx.error({
          status: 400,
          title: "One or more validation errors occurred.",
          detail: "BadRequest",
          extraDetails: problems,
        });
      }
      // `category` (live API, May 2024) is accepted as any string: its enum is not published (docs/vipps-api.md §12.2).
      world.qrs.put(
        auth.value.msn,
        ctx.params.merchantQrId ?? "",
        b.locationDescription as string,
        b.category as string | undefined,
      );
      return emptyResponse(200);
    }),
    defineRoute("GET", `${base}/{merchantQrId}`, "qr.callback.get", "qr", (ctx) => {
      const auth = authenticate(ctx, world.tokens, "required");
      if (!auth.ok) return auth.response;
      const image = imageChoice(ctx);
      if ("status" in image) return image;
      const qr = world.qrs.get(auth.value.msn, ctx.params.merchantQrId ?? "");
      return qr === undefined ? notFound(ctx) : jsonResponse(200, present(world, qr, image));
    }),
    defineRoute("GET", base, "qr.callback.list", "qr", (ctx) => {
      const auth = authenticate(ctx, world.tokens, "required");
      if (!auth.ok) return auth.response;
      const image = imageChoice(ctx);
      if ("status" in image) return image;
      return jsonResponse(
        200,
        world.qrs.list(auth.value.msn).map((qr) => present(world, qr, image)),
      );
    }),
    defineRoute("DELETE", `${base}/{merchantQrId}`, "qr.callback.delete", "qr", (ctx) => {
      const auth = authenticate(ctx, world.tokens, "required");
      if (!auth.ok) return auth.response;
      return world.qrs.delete(auth.value.msn, ctx.params.merchantQrId ?? "")
        ? emptyResponse(200)
        : notFound(ctx);
    }),
    // Not a Vipps endpoint: where `qrImageUrl` points. No authentication, like qr.vipps.no.
    defineRoute("GET", "/_sim/qr-images/{msn}/{file}", "qr.image", "control", (ctx) => {
      const m = /^(.+)\.(svg|png)$/.exec(ctx.params.file ?? "");
      const unit = unitByMsn(world, ctx.params.msn ?? "");
      const qr = m?.[1] === undefined || unit === undefined ? undefined : world.qrs.get(unit.msn, m[1]);
      if (qr === undefined || m === null)
        return ctx.error({
          status: 404,
          title: "Not Found",
          detail: "no such QR image",
          controlCode: "SIM_NOT_FOUND",
        });
      if (m[2] === "svg")
        return bytesResponse(200, Buffer.from(qrSvg(qr.qrContent), "utf8"), "image/svg+xml");
      const size = Number(ctx.url.searchParams.get("size") ?? "800");
      const px = Number.isInteger(size) && size >= 100 && size <= 2000 ? size : 800;
      return bytesResponse(200, qrPng(qr.qrContent, px), "image/png");
    }),
  ];
}

/** `POST /qr/v1/exchange/customer` (qr.yaml `exchangeCustomer`, docs/vipps-api.md §3.1). */
export function customerExchangeRoutes(world: SimWorld): Route[] {
  return [
    defineRoute("POST", "/qr/v1/exchange/customer", "qr.exchange.customer", "qr-exchange", (ctx) => {
      const auth = authenticate(ctx, world.tokens, "optional");
      if (!auth.ok) return auth.response;
      const body = parseJsonBody(ctx);
      if (!body.ok) return body.response;
      const b = body.value;
      const invalid = (name: string, reason: string): SimResponse =>
        ctx.error({
          status: 400,
          title: "Bad request",
          detail: "The request body contains one or more invalid parameters.",
          extraDetails: [{ name, reason }],
        });
      if (!isPlainObject(b) || !isPlainObject(b.customer))
        return invalid("customer", "Customer object is required.");
      const token = b.customer.customerToken;
      if (typeof token !== "string" || token === "")
        return invalid("customer", "customer.customerToken is required.");
      const requested = b.requestedData;
      if (!Array.isArray(requested) || requested.length === 0)
        return invalid("requestedData", "requestedData is required.");
      if (!requested.every((r) => r === "MSISDN"))
        return invalid("requestedData", "Only MSISDN is supported.");
      const check = world.customerTokens.check(token, auth.value.msn, ctx.now);
      if (check.kind !== "valid") {
        const reason =
          check.kind === "expired"
            ? "The customer token has expired."
            : "The customer token is not valid for this sales unit.";
        return invalid("customer", reason);
      }
      return jsonResponse(200, {
        msisdn: check.record.msisdn,
        timestamp: Math.floor(check.record.issuedAt / 1000),
      });
    }),
  ];
}
