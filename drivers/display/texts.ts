import { SCAN_TO_PAY, type Language } from "../../lib/locale/index.js";
import type { NotPaidReason } from "./screen.js";

/**
 * Every customer-facing text of the display, per language. `{brand}` is replaced with "Vipps" or
 * "MobilePay"; `{name}` and `{tier}` with loyalty data. Finnish texts avoid inflecting the brand
 * name (`{brand}-sovellus`) so one template serves both apps.
 */
export interface DisplayTexts {
  readonly scanToPay: string;
  readonly scanHint: string;
  /** Instead of `scanHint` when the customer must scan (again): no usable scan reached the till. */
  readonly scanAgain: string;
  readonly amountDue: string;
  readonly approveInApp: string;
  readonly checkPhone: string;
  readonly confirmCode: string;
  readonly welcomeBack: string;
  readonly welcomeBackNamed: string;
  readonly tier: string;
  readonly paid: string;
  readonly thankYou: string;
  readonly notPaid: string;
  readonly reasons: Readonly<Record<NotPaidReason, string>>;
  readonly outOfService: string;
  readonly outOfServiceHint: string;
  /** Per-sale QR (screen payment_qr): the hint beside it, while it is made, once it expired, when it cannot be drawn. */
  readonly paymentQrHint: string;
  readonly paymentQrComing: string;
  /** Idle and basket screens while the till pays by per-sale QR (its own QR would not reach it). */
  readonly paymentQrLater: string;
  readonly paymentQrExpired: string;
  readonly paymentQrTooBig: string;
  /** Shown instead of the QR when the screen is too small for a scannable one: the sticker is the fallback. */
  readonly qrOnTill: string;
}

export const DISPLAY_TEXTS: Readonly<Record<Language, DisplayTexts>> = {
  nb: {
    scanToPay: SCAN_TO_PAY.nb,
    scanHint: "Åpne {brand}-appen og skann QR-koden",
    scanAgain: "Skann QR-koden på nytt i {brand}-appen",
    amountDue: "Å betale",
    approveInApp: "Godkjenn betalingen i {brand}-appen",
    checkPhone: "Sjekk telefonen din",
    confirmCode: "Bekreft i {brand}-appen at koden er den samme:",
    welcomeBack: "Velkommen tilbake!",
    welcomeBackNamed: "Velkommen tilbake, {name}!",
    tier: "Medlemsnivå: {tier}",
    paid: "Betalt",
    thankYou: "Takk for handelen!",
    notPaid: "Ikke betalt",
    reasons: {
      ABORTED: "Betalingen ble avbrutt i appen.",
      EXPIRED: "Betalingen ble ikke godkjent i tide.",
      TERMINATED: "Betalingen ble stoppet av butikken.",
      TOKEN_EXPIRED: "Skanningen er utløpt. Skann QR-koden på nytt.",
      CAPTURE_FAILED: "Betalingen kunne ikke fullføres. Spør betjeningen.",
      VIPPS_UNAVAILABLE: "{brand} svarer ikke akkurat nå. Prøv igjen om litt.",
      PAYMENT_REFUSED: "{brand} avviste betalingen. Spør betjeningen.",
      NO_SCAN: "Ingen skanning kom frem. Spør betjeningen.",
      CANCELLED: "Kjøpet ble avbrutt.",
    },
    outOfService: "Ute av drift",
    outOfServiceHint: "Vennligst betal i kassen.",
    paymentQrHint: "Skann denne koden med {brand}-appen for å betale",
    paymentQrComing: "Lager betalingskoden …",
    paymentQrLater: "Betalingskoden kommer her når du skal betale",
    paymentQrExpired: "Koden er utløpt. Be betjeningen om en ny.",
    paymentQrTooBig: "Koden får ikke plass på skjermen. Spør betjeningen.",
    qrOnTill: "Skann QR-koden på kassen",
  },
  da: {
    scanToPay: SCAN_TO_PAY.da,
    scanHint: "Åbn {brand}-appen og scan QR-koden",
    scanAgain: "Scan QR-koden igen i {brand}-appen",
    amountDue: "At betale",
    approveInApp: "Godkend betalingen i {brand}-appen",
    checkPhone: "Se på din telefon",
    confirmCode: "Bekræft i {brand}-appen, at koden er den samme:",
    welcomeBack: "Velkommen tilbage!",
    welcomeBackNamed: "Velkommen tilbage, {name}!",
    tier: "Medlemsniveau: {tier}",
    paid: "Betalt",
    thankYou: "Tak for handlen!",
    notPaid: "Ikke betalt",
    reasons: {
      ABORTED: "Betalingen blev afvist i appen.",
      EXPIRED: "Betalingen blev ikke godkendt i tide.",
      TERMINATED: "Betalingen blev stoppet af butikken.",
      TOKEN_EXPIRED: "Scanningen er udløbet. Scan QR-koden igen.",
      CAPTURE_FAILED: "Betalingen kunne ikke gennemføres. Spørg personalet.",
      VIPPS_UNAVAILABLE: "{brand} svarer ikke lige nu. Prøv igen om lidt.",
      PAYMENT_REFUSED: "{brand} afviste betalingen. Spørg personalet.",
      NO_SCAN: "Ingen scanning nåede frem. Spørg personalet.",
      CANCELLED: "Købet blev annulleret.",
    },
    outOfService: "Ude af drift",
    outOfServiceHint: "Betal venligst ved kassen.",
    paymentQrHint: "Scan denne kode med {brand}-appen for at betale",
    paymentQrComing: "Laver betalingskoden …",
    paymentQrLater: "Betalingskoden kommer her, når du skal betale",
    paymentQrExpired: "Koden er udløbet. Bed ekspedienten om en ny.",
    paymentQrTooBig: "Koden er for stor til skærmen. Spørg ekspedienten.",
    qrOnTill: "Scan QR-koden ved kassen",
  },
  fi: {
    scanToPay: SCAN_TO_PAY.fi,
    scanHint: "Avaa {brand}-sovellus ja skannaa QR-koodi",
    scanAgain: "Skannaa QR-koodi uudelleen {brand}-sovelluksella",
    amountDue: "Maksettavaa",
    approveInApp: "Hyväksy maksu {brand}-sovelluksessa",
    checkPhone: "Katso puhelintasi",
    confirmCode: "Vahvista {brand}-sovelluksessa, että koodi on sama:",
    welcomeBack: "Tervetuloa takaisin!",
    welcomeBackNamed: "Tervetuloa takaisin, {name}!",
    tier: "Jäsentaso: {tier}",
    paid: "Maksettu",
    thankYou: "Kiitos käynnistä!",
    notPaid: "Maksu ei onnistunut",
    reasons: {
      ABORTED: "Maksu peruttiin sovelluksessa.",
      EXPIRED: "Maksua ei hyväksytty ajoissa.",
      TERMINATED: "Kauppa keskeytti maksun.",
      TOKEN_EXPIRED: "Skannaus vanheni. Skannaa QR-koodi uudelleen.",
      CAPTURE_FAILED: "Maksua ei voitu viedä loppuun. Kysy henkilökunnalta.",
      VIPPS_UNAVAILABLE: "{brand} ei vastaa juuri nyt. Yritä hetken kuluttua uudelleen.",
      PAYMENT_REFUSED: "{brand} hylkäsi maksun. Kysy henkilökunnalta.",
      NO_SCAN: "Skannausta ei saatu. Kysy henkilökunnalta.",
      CANCELLED: "Osto peruttiin.",
    },
    outOfService: "Poissa käytöstä",
    outOfServiceHint: "Maksa kassalla.",
    paymentQrHint: "Maksa skannaamalla tämä koodi {brand}-sovelluksella",
    paymentQrComing: "Maksukoodia luodaan …",
    paymentQrLater: "Maksukoodi tulee tähän, kun maksat",
    paymentQrExpired: "Koodi on vanhentunut. Pyydä kassalta uusi.",
    paymentQrTooBig: "Koodi ei mahdu näytölle. Kysy kassalta.",
    qrOnTill: "Skannaa kassan QR-koodi",
  },
  en: {
    scanToPay: SCAN_TO_PAY.en,
    scanHint: "Open the {brand} app and scan the QR code",
    scanAgain: "Please scan the QR code again in the {brand} app",
    amountDue: "To pay",
    approveInApp: "Approve the payment in the {brand} app",
    checkPhone: "Check your phone",
    confirmCode: "Confirm in the {brand} app that the code matches:",
    welcomeBack: "Welcome back!",
    welcomeBackNamed: "Welcome back, {name}!",
    tier: "Member level: {tier}",
    paid: "Paid",
    thankYou: "Thank you!",
    notPaid: "Not paid",
    reasons: {
      ABORTED: "The payment was declined in the app.",
      EXPIRED: "The payment was not approved in time.",
      TERMINATED: "The payment was stopped by the shop.",
      TOKEN_EXPIRED: "The scan has expired. Please scan the QR code again.",
      CAPTURE_FAILED: "The payment could not be completed. Please ask the staff.",
      VIPPS_UNAVAILABLE: "{brand} is not responding right now. Please try again shortly.",
      PAYMENT_REFUSED: "{brand} refused the payment. Please ask the staff.",
      NO_SCAN: "No scan reached the till. Please ask the staff.",
      CANCELLED: "The purchase was cancelled.",
    },
    outOfService: "Out of service",
    outOfServiceHint: "Please pay at the counter.",
    paymentQrHint: "Scan this code with the {brand} app to pay",
    paymentQrComing: "Making your payment code …",
    paymentQrLater: "Your payment code appears here when you pay",
    paymentQrExpired: "The code has expired. Ask the cashier for a new one.",
    paymentQrTooBig: "The code does not fit on this screen. Ask the cashier.",
    qrOnTill: "Scan the QR code at the till",
  },
};

/** Replaces `{key}` placeholders; unknown keys are left as they are. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
