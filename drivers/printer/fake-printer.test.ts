import { describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { saleReceipt, testReceipt } from "../../test/helpers/receipt-fixtures.js";
import { FakePrinter, renderDocumentText } from "./index.js";

describe("FakePrinter", () => {
  it("renders what it prints as the printer would lay it out, as plain text", async () => {
    const shown: string[] = [];
    const printer = new FakePrinter({
      columns: 32,
      timeZone: "Europe/Oslo",
      onPrint: (text) => shown.push(text),
    });
    await printer.print(saleReceipt({ copy: true }));
    const text = renderDocumentText(saleReceipt({ copy: true }), { columns: 32, timeZone: "Europe/Oslo" });
    expect(shown).toEqual([text]);
    expect(text).toMatch(/TOTALT kr 141,15/);
    expect(text).toContain("*** KOPI ***");
    expect(text.split("\n").every((line) => [...line].length <= 32)).toBe(true);
    await printer.print(testReceipt());
    expect(printer.printed[1]?.text).toContain("æøå ÆØÅ €");
    expect(printer.printed[1]?.text.replace(/\s+/g, "")).toContain(
      "[QRhttps://qr.vipps.no/28/2/01/031/test?v=1]",
    );
  });

  it("simulates paper out and offline, and refuses bad documents", async () => {
    const printer = new FakePrinter();
    printer.setStatus("paper_out");
    expect((await printer.status()).status).toBe("paper_out");
    const paper: unknown = await printer.print(saleReceipt()).catch((e: unknown) => e);
    expect(isAgentError(paper, "PRINTER_PAPER_OUT")).toBe(true);
    printer.setStatus("online");
    const bad: unknown = await printer.print(saleReceipt({ total: 5 })).catch((e: unknown) => e);
    expect(isAgentError(bad, "PRINTER_BAD_DOCUMENT")).toBe(true);
    expect(printer.printed).toEqual([]);
    await printer.close();
    const closed: unknown = await printer.print(saleReceipt()).catch((e: unknown) => e);
    expect(isAgentError(closed, "PRINTER_CLOSED")).toBe(true);
  });
});
