import { describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { decodeEscPos } from "../../test/helpers/escpos-decode.js";
import { RECEIPT_TIME as TIME, saleReceipt } from "../../test/helpers/receipt-fixtures.js";
import type { Language } from "../../lib/locale/index.js";
import type {
  EncodeOptions,
  EndOfDayReport,
  PrintDocument,
  QrSticker,
  RefundReceipt,
  SaleReceipt,
  TestReceipt,
} from "./index.js";
import { CHARACTER_TEST_LINE, encodeDocument, renderDocumentText } from "./index.js";

const OPTIONS: EncodeOptions = { model: "epson-tm-t88vi", columns: 42, timeZone: "Europe/Oslo" };

const VAT_25 = { rate: 2_500, gross: 9_800, net: 7_840, vat: 1_960 };
const VAT_15 = { rate: 1_500, gross: 4_315, net: 3_752, vat: 563 };

const refundReceipt = (): RefundReceipt => ({
  kind: "refund",
  language: "nb",
  currency: "NOK",
  header: ["Kaffebaren"],
  time: TIME,
  till: "kasse1",
  receiptNumber: "000124",
  originalReceiptNumber: "000123",
  refundId: "r1",
  lines: [{ name: "Kaffe latte", quantity: "1", unitPrice: 4_900, total: 4_900, vatRate: 2_500 }],
  vat: [{ rate: 2_500, gross: 4_900, net: 3_920, vat: 980 }],
  amount: 4_900,
  payment: { brand: "vipps", reference: "kasse1-000123", pspReference: "999" },
});

const decode = (doc: PrintDocument, options: Partial<typeof OPTIONS> = {}) =>
  decodeEscPos(encodeDocument(doc, { ...OPTIONS, ...options }));
const text = (doc: PrintDocument, options: Partial<typeof OPTIONS> = {}) =>
  decode(doc, options).lines.join("\n");

describe("encodeDocument: a sale receipt read back from the bytes", () => {
  it("has header, date and time, till, receipt number, lines, total, VAT per rate, payment, member and one cut", () => {
    const decoded = decode(saleReceipt());
    const all = decoded.lines.join("\n");
    expect(all).toContain("Kaffebaren Ærø AS");
    expect(all).toContain("Dato: 25.11.2025 14:03");
    expect(all).toMatch(/Kasse: kasse1 +Kvittering nr\. 000123/);
    expect(all).toMatch(/Kaffe latte +98,00\n {2}2 x 49,00/);
    expect(all).toMatch(/Skolebolle +25,00\n {2}1 x 30,00\n {2}Rabatt +-5,00/);
    expect(all).toMatch(/Epler +18,15\n {2}0,455 KG x 39,90/);
    expect(all).toMatch(/TOTALT +kr 141,15/);
    expect(all).toMatch(/MVA-sats +Grunnlag +MVA +Sum/);
    expect(all).toMatch(/25 % +78,40 +19,60 +98,00/);
    expect(all).toMatch(/15 % +37,52 +5,63 +43,15/);
    expect(all).toMatch(/Betalt med Vipps +kr 141,15/);
    expect(all).toContain("Referanse: kasse1-000123");
    expect(all).toContain("PSP-referanse: 8812345678");
    expect(all).toContain("Medlem: Kari Nordmann (Gull)");
    expect(all).toContain("Takk for besøket!");
    expect(all).not.toContain("KOPI");
    expect(decoded.cuts).toBe(1);
    expect(decoded.codepages.every((page) => page === "cp858")).toBe(true);
    expect(decoded.lines.every((line) => [...line].length <= 42)).toBe(true);
  });

  it("marks a reprint COPY at the top and the bottom", () => {
    expect(text(saleReceipt({ copy: true })).match(/\*\*\* KOPI \*\*\*/g)).toHaveLength(2);
    expect(text(saleReceipt({ copy: true, language: "en" })).match(/\*\*\* COPY \*\*\*/g)).toHaveLength(2);
  });

  const LABELS: Record<
    Language,
    { currency: SaleReceipt["currency"]; brand: "vipps" | "mobilepay"; expect: RegExp[] }
  > = {
    nb: { currency: "NOK", brand: "vipps", expect: [/TOTALT +kr 141,15/, /Betalt med Vipps/] },
    da: {
      currency: "DKK",
      brand: "mobilepay",
      expect: [
        /I ALT +141,15 kr\./,
        /Betalt med MobilePay +141,15 kr\./,
        /Momssats +Grundlag +Moms +Beløb/,
        /Kvitteringsnr\. 000123/,
      ],
    },
    fi: {
      currency: "EUR",
      brand: "mobilepay",
      expect: [
        /YHTEENSÄ +141,15 €/,
        /Maksettu: MobilePay/,
        /ALV % +Veroton +ALV +Verollinen/,
        /Päivämäärä: 25\.11\.2025 15:03/,
      ],
    },
    en: {
      currency: "NOK",
      brand: "vipps",
      expect: [
        /TOTAL +NOK 141\.15/,
        /Paid with Vipps/,
        /VAT rate +Net +VAT +Gross/,
        /Date: 2025-11-25 14:03/,
      ],
    },
  };
  for (const [language, spec] of Object.entries(LABELS) as [Language, (typeof LABELS)[Language]][]) {
    it(`prints ${language} labels and ${spec.currency} amounts`, () => {
      const doc = saleReceipt({
        language,
        currency: spec.currency,
        payment: { brand: spec.brand, reference: "kasse1-000123" },
      });
      const timeZone = language === "fi" ? "Europe/Helsinki" : "Europe/Oslo";
      const all = text(doc, { timeZone });
      for (const pattern of spec.expect) expect(all).toMatch(pattern);
    });
  }

  it("fits 32 and 48 columns and other printer models", () => {
    for (const [model, columns] of [
      ["epson-tm-t20iii", 48],
      ["pos-5890", 32],
      ["epson-tm-t88ii", 42],
    ] as const) {
      const decoded = decode(saleReceipt(), { model, columns });
      expect(decoded.lines.every((line) => [...line].length <= columns)).toBe(true);
      expect(decoded.lines.join("\n")).toContain("Kaffebaren Ærø AS");
      expect(decoded.lines.join("\n")).toMatch(/kr 141,15/);
    }
  });

  it("lays out the plain text exactly as the printer prints it", () => {
    const printed = decode(saleReceipt())
      .lines.map((line) => line.trim())
      .filter((line) => line !== "");
    const plain = renderDocumentText(saleReceipt(), OPTIONS)
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !/^~+$/.test(line));
    expect(plain).toEqual(printed);
  });
});

describe("encodeDocument: other documents", () => {
  it("a test receipt prints æøå ÆØÅ € in the printer's code page and the QR with GS ( k at level M", () => {
    const doc: TestReceipt = {
      kind: "test",
      language: "en",
      header: [],
      time: TIME,
      till: "kasse1",
      lines: ["model epson-tm-t88vi"],
      qrContent: "https://qr.vipps.no/28/2/01/031/x?v=1",
    };
    const decoded = decode(doc);
    expect(decoded.lines).toContain(CHARACTER_TEST_LINE);
    expect(CHARACTER_TEST_LINE).toBe("æøå ÆØÅ €");
    expect(decoded.qrPayloads.map((p) => p.toString("utf8"))).toEqual([
      "https://qr.vipps.no/28/2/01/031/x?v=1",
    ]);
    expect(decoded.qrErrorLevels).toEqual(["M"]);
    expect(decoded.cuts).toBe(1);
  });

  it("a refund receipt", () => {
    const all = text(refundReceipt());
    expect(all).toContain("RETUR");
    expect(all).toContain("Opprinnelig kvittering: 000123");
    expect(all).toMatch(/TILBAKEBETALT +kr 49,00/);
    expect(all).toMatch(/25 % +39,20 +9,80 +49,00/);
    expect(all).toMatch(/Tilbakebetalt til Vipps +kr 49,00/);
  });

  it("an end-of-day report", () => {
    const doc: EndOfDayReport = {
      kind: "end_of_day",
      language: "da",
      currency: "DKK",
      header: ["Kaffebaren"],
      time: TIME,
      till: "kasse1",
      from: Date.UTC(2025, 10, 24, 23, 0),
      to: Date.UTC(2025, 10, 25, 22, 59),
      sales: { count: 12, total: 123_450 },
      refunds: { count: 1, total: 4_900 },
      unpaidCount: 2,
      vat: [{ rate: 2_500, gross: 118_550, net: 94_840, vat: 23_710 }],
    };
    const all = text(doc);
    expect(all).toContain("DAGSAFSLUTNING");
    expect(all).toContain("Fra: 25.11.2025 00:00");
    expect(all).toMatch(/Salg \(12\) +1\.234,50 kr\./);
    expect(all).toMatch(/Returer \(1\) +-49,00 kr\./);
    expect(all).toMatch(/Netto +1\.185,50 kr\./);
    expect(all).toMatch(/Ikke betalt\/annulleret +2/);
    expect(all).toMatch(/25 % +948,40 +237,10 +1\.185,50/);
  });

  it("a QR sticker with the till's qrContent byte for byte", () => {
    const doc: QrSticker = {
      kind: "qr_sticker",
      language: "fi",
      header: [],
      till: "kassa1",
      brand: "mobilepay",
      qrContent: "https://qr.vipps.no/28/2/05/031/Å?x=1",
      locationDescription: "Kassa 1",
    };
    const decoded = decode(doc);
    expect(decoded.qrPayloads[0]).toEqual(Buffer.from("https://qr.vipps.no/28/2/05/031/Å?x=1", "utf8"));
    expect(decoded.lines.join("\n")).toContain("MobilePay");
    expect(decoded.lines.join("\n")).toContain("Skannaa ja maksa");
    expect(decoded.lines.join("\n")).toContain("Kassa 1");
  });
});

describe("bad documents and configuration are refused with a code", () => {
  const code = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (error) {
      return isAgentError(error) ? error.code : "not an AgentError";
    }
    return undefined;
  };
  it.each([
    ["totals that do not add up", saleReceipt({ total: 14_000 })],
    [
      "a negative price",
      saleReceipt({ lines: [{ name: "x", quantity: "1", unitPrice: -1, total: 14_115, vatRate: 2_500 }] }),
    ],
    [
      "a float amount",
      saleReceipt({
        lines: [{ name: "x", quantity: "1", unitPrice: 1, total: 14_115.5, vatRate: 2_500 }],
        total: 14_115.5,
      }),
    ],
    [
      "a bad quantity",
      saleReceipt({ lines: [{ name: "x", quantity: "2,5", unitPrice: 1, total: 14_115, vatRate: 2_500 }] }),
    ],
    [
      "a VAT rate above 100 %",
      saleReceipt({ lines: [{ name: "x", quantity: "1", unitPrice: 1, total: 14_115, vatRate: 10_001 }] }),
    ],
    ["no payment reference", saleReceipt({ payment: { brand: "vipps", reference: "" } })],
    ["an unknown language", saleReceipt({ language: "sv" as Language })],
    [
      "VAT rows whose gross is not the lines'",
      saleReceipt({ vat: [{ ...VAT_25, gross: 9_801, net: 7_841 }, VAT_15] }),
    ],
    ["a VAT row with net + vat ≠ gross", saleReceipt({ vat: [{ ...VAT_25, vat: 1_961 }, VAT_15] })],
    ["a rate of the lines without a VAT row", saleReceipt({ vat: [VAT_25] })],
    [
      "a VAT row of a rate no line has",
      saleReceipt({ vat: [VAT_25, VAT_15, { rate: 0, gross: 0, net: 0, vat: 0 }] }),
    ],
    ["the same rate twice", saleReceipt({ vat: [VAT_25, VAT_25] })],
    ["VAT above the gross", saleReceipt({ vat: [{ ...VAT_25, net: -1, vat: 9_801 }, VAT_15] })],
    ["no VAT rows", saleReceipt({ vat: undefined as unknown as [] })],
    ["a refund with VAT rows but no lines", { ...refundReceipt(), lines: undefined }],
  ])("%s → PRINTER_BAD_DOCUMENT", (_name, doc) => {
    expect(code(() => encodeDocument(doc, OPTIONS))).toBe("PRINTER_BAD_DOCUMENT");
  });
  it("unknown model, unsupported columns, unknown time zone → PRINTER_BAD_CONFIG", () => {
    expect(code(() => encodeDocument(saleReceipt(), { ...OPTIONS, model: "nope" }))).toBe(
      "PRINTER_BAD_CONFIG",
    );
    expect(code(() => encodeDocument(saleReceipt(), { ...OPTIONS, columns: 40 }))).toBe("PRINTER_BAD_CONFIG");
    expect(code(() => encodeDocument(saleReceipt(), { ...OPTIONS, timeZone: "Mars/Olympus" }))).toBe(
      "PRINTER_BAD_CONFIG",
    );
  });
});
