import { describe, expect, it } from "vitest";
import { decodeQrPixels, rasterise, replayFrame, screenText } from "../../test/helpers/terminal-screen.js";
import type { Language } from "../../lib/locale/index.js";
import { DISPLAY_TEXTS, qrFits, renderScreen, type RenderOptions, type Screen } from "./index.js";

/** The shape of the simulator's TEXT/TARGETURL answer: a landing URL with a 32-character token. */
const PAYMENT_URL = "https://landing.vipps.no/?token=Q2hvY29sYXRlLWJvbGxlci1hcmUtZ29vZA";
const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 100, rows: 30 },
  { columns: 240, rows: 67 },
] as const;

function draw(screen: Screen, size: { columns: number; rows: number }, language: Language = "nb") {
  const options: RenderOptions = { ...size, language, brand: "auto", currency: "NOK" };
  return replayFrame(renderScreen(screen, options), size.rows, size.columns);
}

describe("the per-sale QR on the display (screen payment_qr)", () => {
  for (const size of SIZES) {
    it(`decodes to exactly the payment's URL at ${size.columns}×${size.rows}`, () => {
      const screen: Screen = {
        kind: "payment_qr",
        amount: { currency: "NOK", value: 12_345 },
        qrContent: PAYMENT_URL,
      };
      const result = decodeQrPixels(rasterise(draw(screen, size)));
      expect(result?.data).toBe(PAYMENT_URL);
      expect(Buffer.from(result?.binaryData ?? [])).toEqual(Buffer.from(PAYMENT_URL, "utf8"));
    });
  }

  it("shows no QR at all while the code is being made or after it expired (never the till's own)", () => {
    for (const screen of [
      { kind: "payment_qr", amount: { currency: "NOK", value: 100 } },
      { kind: "payment_qr", amount: { currency: "NOK", value: 100 }, qrContent: PAYMENT_URL, expired: true },
    ] satisfies Screen[]) {
      const drawn = draw(screen, SIZES[0]);
      expect(decodeQrPixels(rasterise(drawn))).toBeNull();
      expect(qrFits(screen, { ...SIZES[0], language: "en", brand: "auto", currency: "NOK" })).toBe(false);
    }
    const expired = screenText(
      draw({ kind: "payment_qr", amount: { currency: "NOK", value: 100 }, expired: true }, SIZES[0], "en"),
    ).join(" ");
    expect(expired.replace(/\s+/g, " ")).toContain(DISPLAY_TEXTS.en.paymentQrExpired);
  });

  it("says to ask the cashier, not to scan the till's sticker, when the code does not fit", () => {
    const long = `https://landing.vipps.no/?token=${"x".repeat(400)}`;
    const screen: Screen = { kind: "payment_qr", amount: { currency: "NOK", value: 100 }, qrContent: long };
    const text = screenText(draw(screen, SIZES[0], "en"))
      .join(" ")
      .replace(/\s+/g, " ");
    expect(decodeQrPixels(rasterise(draw(screen, SIZES[0], "en")))).toBeNull();
    expect(text).toContain(DISPLAY_TEXTS.en.paymentQrTooBig);
    expect(text).not.toContain(DISPLAY_TEXTS.en.qrOnTill);
  });

  it("between sales and on a basket without the till's QR, says the code comes when paying, in every language", () => {
    for (const language of ["nb", "da", "fi", "en"] as const) {
      for (const screen of [
        { kind: "idle" },
        { kind: "amount", amount: { currency: "NOK", value: 100 } },
      ] satisfies Screen[]) {
        const drawn = draw(screen, SIZES[0], language);
        expect(decodeQrPixels(rasterise(drawn))).toBeNull();
        const text = screenText(drawn).join(" ").replace(/\s+/g, " ");
        expect(text).toContain(DISPLAY_TEXTS[language].paymentQrLater.replace("{brand}", ""));
        expect(text).not.toContain(DISPLAY_TEXTS[language].qrOnTill);
      }
    }
  });
});
