import { randomBytes } from "node:crypto";

export interface CallbackQr {
  readonly msn: string;
  readonly merchantQrId: string;
  readonly locationDescription: string;
  /** Live-API field (May 2024), not in the vendored spec; stored, not returned. */
  readonly category?: string;
  /** The text encoded in the QR; stable across updates of the same QR. */
  readonly qrContent: string;
}

/**
 * Merchant callback QR codes per sales unit (QR API, docs/vipps-api.md §3). A PUT with an existing id
 * only changes the location text: the QR content never changes. A deleted QR, created again,
 * gets new content (the old printed code stays dead).
 */
export class QrStore {
  private readonly qrs = new Map<string, Map<string, CallbackQr>>();

  private unit(msn: string): Map<string, CallbackQr> {
    let map = this.qrs.get(msn);
    if (map === undefined) {
      map = new Map();
      this.qrs.set(msn, map);
    }
    return map;
  }

  put(msn: string, merchantQrId: string, locationDescription: string, category?: string): CallbackQr {
    const existing = this.unit(msn).get(merchantQrId);
    const qr: CallbackQr = {
      msn,
      merchantQrId,
      locationDescription,
      ...(category === undefined ? {} : { category }),
      qrContent: existing?.qrContent ?? `https://qr.vipps.no/c/${randomBytes(12).toString("base64url")}`,
    };
    this.unit(msn).set(merchantQrId, qr);
    return qr;
  }

  get(msn: string, merchantQrId: string): CallbackQr | undefined {
    return this.qrs.get(msn)?.get(merchantQrId);
  }

  list(msn: string): CallbackQr[] {
    return [...(this.qrs.get(msn)?.values() ?? [])];
  }

  delete(msn: string, merchantQrId: string): boolean {
    return this.qrs.get(msn)?.delete(merchantQrId) ?? false;
  }

  /** The QR a phone camera read, by its content. */
  findByContent(qrContent: string): CallbackQr | undefined {
    for (const map of this.qrs.values())
      for (const qr of map.values()) if (qr.qrContent === qrContent) return qr;
    return undefined;
  }
}
