/**
 * QR API (merchant callback QR and customer exchange) shapes, hand-written from
 * test/contract/vipps-openapi/qr.yaml and docs/vipps-api.md §3.
 */
export interface MerchantCallbackPut {
  /** Shown in the app after the scan; 1–36 characters. */
  readonly locationDescription: string;
  /** Added May 2024, controls the app's waiting screen; enum unpublished ("IN_STORE" seen). */
  readonly category?: string;
}

export interface QrImageOptions {
  /** Default at Vipps: SVG. */
  readonly format: "PNG" | "SVG";
  /** PNG only; 100–2000 px square. */
  readonly size?: number;
}

export interface MerchantCallbackQr {
  readonly merchantSerialNumber: string;
  readonly merchantQrId: string;
  readonly locationDescription: string;
  /** Unauthenticated image link; not permanent (re-GET for a fresh one). */
  readonly qrImageUrl: string;
  /** The exact text encoded in the QR (an https://qr.vipps.no/… URL). */
  readonly qrContent: string;
}

export interface CustomerExchangeResult {
  /** Country code + number, digits only. Personal data: never log it. */
  readonly msisdn: string;
  /** UTC seconds, when present. */
  readonly timestamp?: number;
}
