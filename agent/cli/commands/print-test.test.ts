import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../../test/helpers/cli.js";
import { decodeEscPos } from "../../../test/helpers/escpos-decode.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../../../test/helpers/escpos-test-printer.js";
import { EXIT } from "../../../lib/exit-codes.js";

/** The built `pos-agent print-test` against a test printer on a real loopback TCP port. */
describe("pos-agent print-test", () => {
  let printer: TcpTestPrinter;
  beforeEach(async () => {
    printer = await startTcpTestPrinter();
  });
  afterEach(async () => {
    await printer.close();
  });

  it("prints a test receipt with æøå ÆØÅ € and a QR, after reporting the status", async () => {
    const result = await runCli([
      "print-test",
      "--printer",
      `tcp://127.0.0.1:${printer.port}`,
      "--content",
      "https://qr.vipps.no/x",
    ]);
    expect(result.stdout).toContain("status: online");
    expect(result.stdout).toContain("✓ test receipt printed");
    expect(result.code).toBe(EXIT.OK);
    const job = printer.sessions.map((s) => decodeEscPos(s)).find((d) => d.cuts > 0);
    expect(job?.lines).toContain("æøå ÆØÅ €");
    expect(job?.lines.join("\n")).toContain("TESTUTSKRIFT");
    expect(job?.qrPayloads.map((p) => p.toString())).toEqual(["https://qr.vipps.no/x"]);
  });

  it("exits 69 with the code when the paper is out, and prints nothing", async () => {
    printer.state = "paper_out";
    const result = await runCli(["print-test", "--printer", `tcp://127.0.0.1:${printer.port}`]);
    expect(result.stdout).toContain("status: paper_out");
    expect(result.stderr).toContain("PRINTER_PAPER_OUT");
    expect(result.code).toBe(EXIT.UNAVAILABLE);
    expect(printer.sessions.every((s) => decodeEscPos(s).cuts === 0)).toBe(true);
  });

  it("exits 69 when nothing listens (offline)", async () => {
    const port = printer.port;
    await printer.close();
    const result = await runCli(["print-test", "--printer", `tcp://127.0.0.1:${port}`]);
    expect(result.stdout).toContain("status: offline");
    expect(result.stderr).toContain("PRINTER_OFFLINE");
    expect(result.code).toBe(EXIT.UNAVAILABLE);
    printer = await startTcpTestPrinter();
  });

  it("exits 64 for a bad URI or model", async () => {
    const uri = await runCli(["print-test", "--printer", "lpt1"]);
    expect(uri.code).toBe(EXIT.USAGE);
    expect(uri.stderr).toContain("PRINTER_BAD_URI");
    const model = await runCli([
      "print-test",
      "--printer",
      `tcp://127.0.0.1:${printer.port}`,
      "--model",
      "nope",
    ]);
    expect(model.code).toBe(EXIT.USAGE);
    expect(model.stderr).toContain("PRINTER_BAD_CONFIG");
  });
});
