import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../config/load.js";
import type { Config } from "../../config/schema.js";
import { encodeDocument, validateDocument, type RefundReceipt } from "../../drivers/printer/index.js";
import type { Language } from "../../lib/locale/index.js";
import { decodeEscPos } from "../../test/helpers/escpos-decode.js";
import { OK, TillHarness } from "../checkout/testing/harness.js";
import type { Sale } from "../checkout/sale.js";
import { receiptDocument } from "./receipt-documents.js";

const FOREIGN = "kasse2-mf3k2x9a-1";

function config(language: Language): Config {
  const { config: parsed, problems } = parseConfigText(`
vipps: { clientId: abc, msn: "123456", currency: NOK, webhookUrl: https://bridge.example.com/hook }
till: { id: kasse1, locationDescription: Kasse 1 }
mqtt: { url: "mqtt://127.0.0.1:1883" }
display: { language: ${language} }
printer: { columns: 42, header: [Kaffebaren] }
`);
  if (parsed === undefined) throw new Error(problems.join("\n"));
  return parsed;
}

/** Through the checkout's own transitions: looked up at Vipps (13 200 captured), 49,00 refunded. */
function refundedElsewhere(): Sale {
  const h = new TillHarness();
  h.send({ type: "refund", saleId: "R-77", refundId: "R-77-1", amount: 4_900, reference: FOREIGN });
  h.send({
    type: "lookup_result",
    saleId: "R-77",
    result: OK({
      snapshot: {
        state: "AUTHORIZED",
        authorizedAmount: 13_200,
        capturedAmount: 13_200,
        cancelledAmount: 0,
        refundedAmount: 0,
        pspReference: "3343121302",
      },
      capturedAt: h.now - 86_400_000,
    }),
  });
  h.send({ type: "refund_result", saleId: "R-77", refundId: "R-77-1", result: OK({ pspReference: "77" }) });
  return h.sale("R-77");
}

const EXPECTED: Record<Language, { line: string; refunded: RegExp; label: string }> = {
  nb: {
    line: "Retur av kjøp gjort ved en annen kasse",
    refunded: /TILBAKEBETALT +kr 49,00/,
    label: "Opprinnelig",
  },
  da: {
    line: "Retur af køb foretaget ved en anden kasse",
    refunded: /REFUNDERET +kr 49,00/,
    label: "Oprindelig",
  },
  fi: {
    line: "Palautus toisen kassan ostoksesta",
    refunded: /PALAUTETTU +kr 49,00/,
    label: "Alkuperäinen",
  },
  en: {
    line: "Refund of a purchase made at another till",
    refunded: /REFUNDED +NOK 49\.00/,
    label: "Original",
  },
};

describe("the paper receipt of a refund from another till (register protocol §7.11)", () => {
  const sale = refundedElsewhere();
  const job = { jobId: "R-77:refund:R-77-1", sale, kind: "refund", copy: false, refundId: "R-77-1" } as const;

  it.each(Object.keys(EXPECTED) as Language[])(
    "in %s says so, with the reference and the amount refunded, and no receipt number of this till's as the original",
    (language) => {
      const doc = receiptDocument(job, config(language), Date.UTC(2026, 11, 6, 12)) as RefundReceipt;
      expect(doc).toMatchObject({ kind: "refund", purchasedElsewhere: true, amount: 4_900 });
      validateDocument(doc);
      const text = decodeEscPos(
        encodeDocument(doc, { model: "epson-tm-t88vi", columns: 42, timeZone: "Europe/Oslo" }),
      ).lines.join("\n");
      const expected = EXPECTED[language];
      expect(text).toContain(expected.line);
      expect(text).toContain(FOREIGN);
      expect(text).toMatch(expected.refunded);
      expect(text).not.toContain(expected.label);
    },
  );

  it("a refund of this till's own sale still names the original receipt instead", () => {
    const own = { ...sale } as { imported?: unknown };
    delete own.imported;
    const doc = receiptDocument({ ...job, sale: own as Sale }, config("en"), 0) as RefundReceipt;
    expect(doc.purchasedElsewhere).toBeUndefined();
    expect(doc.originalReceiptNumber).toMatch(/^\d{6}$/);
  });

  it("the printer refuses a document that claims both a purchase elsewhere and an original receipt here", () => {
    const doc = receiptDocument(job, config("en"), 0) as RefundReceipt;
    expect(() => validateDocument({ ...doc, originalReceiptNumber: "000001" })).toThrow(/purchasedElsewhere/);
  });
});
