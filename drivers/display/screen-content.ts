import type { Currency } from "../../lib/money.js";
import type { Brand, Language } from "../../lib/locale/index.js";
import { brandName, formatAmount, formatMinorUnits, sanitizeText } from "../../lib/locale/index.js";
import type { Screen } from "./screen.js";
import { DISPLAY_TEXTS, fillTemplate } from "./texts.js";

export type Tone = "normal" | "good" | "bad" | "warn";

/** Text drawn in large characters, with what to show when it cannot be drawn large. */
interface BigText {
  /** Preferred large text, e.g. `kr 1 234,50` or `4MZ-CQ3`. */
  readonly text: string;
  /** A shorter large text (the number without currency) used when `text` does not fit. */
  readonly short?: string;
  /** Normal-size text that always accompanies `short`, and replaces the big text when neither fits. */
  readonly plain: string;
}

/** What a screen says, independent of where it goes on the canvas. */
export interface ScreenContent {
  readonly headline: string;
  readonly tone: Tone;
  readonly big?: BigText;
  readonly lines: readonly string[];
  readonly qrContent?: string;
  /** Said instead of "scan the QR at the till" when the QR does not fit (a per-sale QR is on no sticker). */
  readonly qrFallback?: string;
}

export function screenContent(screen: Screen, language: Language, brand: Brand): ScreenContent {
  const t = DISPLAY_TEXTS[language];
  const fill = (template: string, values: Record<string, string> = {}): string =>
    fillTemplate(template, { brand: brandName(brand), ...values });
  const amount = (value: number, currency: Currency): BigText => ({
    text: formatAmount({ value, currency }, language),
    short: formatMinorUnits(value, currency, language),
    plain: formatAmount({ value, currency }, language),
  });
  switch (screen.kind) {
    case "idle":
      return screen.qrContent === undefined
        ? { headline: t.scanToPay, tone: "normal", lines: [fill(t.paymentQrLater)] }
        : { headline: t.scanToPay, tone: "normal", lines: [fill(t.scanHint)], qrContent: screen.qrContent };
    case "amount":
      return {
        headline: t.amountDue,
        tone: "normal",
        big: amount(screen.amount.value, screen.amount.currency),
        ...(screen.qrContent === undefined
          ? { lines: [fill(t.paymentQrLater)] }
          : {
              lines: [fill(screen.scanAgain === true ? t.scanAgain : t.scanHint)],
              qrContent: screen.qrContent,
            }),
      };
    case "payment_qr":
      return {
        headline: t.amountDue,
        tone: screen.expired === true ? "warn" : "normal",
        big: amount(screen.amount.value, screen.amount.currency),
        lines: [
          fill(
            screen.expired === true
              ? t.paymentQrExpired
              : screen.qrContent === undefined
                ? t.paymentQrComing
                : t.paymentQrHint,
          ),
        ],
        ...(screen.qrContent === undefined || screen.expired === true
          ? {}
          : { qrContent: screen.qrContent, qrFallback: t.paymentQrTooBig }),
      };
    case "waiting":
      return {
        headline: fill(t.approveInApp),
        tone: "normal",
        big: amount(screen.amount.value, screen.amount.currency),
        lines: [t.checkPhone],
      };
    case "loyalty_login":
      return {
        headline: fill(t.confirmCode),
        tone: "normal",
        big: { text: screen.bindingMessage, plain: screen.bindingMessage },
        lines: [t.checkPhone],
      };
    case "member": {
      const name = screen.memberName === undefined ? "" : sanitizeText(screen.memberName).trim();
      const tier = screen.tier === undefined ? "" : sanitizeText(screen.tier).trim();
      return {
        headline: name === "" ? t.welcomeBack : fill(t.welcomeBackNamed, { name }),
        tone: "good",
        lines: tier === "" ? [] : [fill(t.tier, { tier })],
      };
    }
    case "paid":
      return {
        headline: t.paid,
        tone: "good",
        big: amount(screen.amount.value, screen.amount.currency),
        lines: [t.thankYou],
      };
    case "not_paid":
      return { headline: t.notPaid, tone: "bad", lines: [fill(t.reasons[screen.reason])] };
    case "out_of_service": {
      const reason = screen.reason === undefined ? "" : sanitizeText(screen.reason).trim();
      return {
        headline: t.outOfService,
        tone: "warn",
        lines: reason === "" ? [t.outOfServiceHint] : [reason, t.outOfServiceHint],
      };
    }
  }
}

/** Shown in place of the QR when no scannable QR fits the screen (the till's sticker is the fallback). */
export function qrFallbackLine(language: Language): string {
  return DISPLAY_TEXTS[language].qrOnTill;
}
