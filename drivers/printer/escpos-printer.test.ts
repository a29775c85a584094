import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { decodeEscPos } from "../../test/helpers/escpos-decode.js";
import {
  eventually,
  startPtyTestPrinter,
  startTcpTestPrinter,
  type PtyTestPrinter,
  type TcpTestPrinter,
} from "../../test/helpers/escpos-test-printer.js";
import { saleReceipt, testReceipt } from "../../test/helpers/receipt-fixtures.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import type { PrintOutcome, PrinterConnection, ReceiptPrinter } from "./index.js";
import { CHARACTER_TEST_LINE, EscPosPrinter, PrintQueue, createPrinter } from "./index.js";

const SETTINGS = {
  model: "epson-tm-t88vi",
  columns: 42,
  statusTimeoutMs: 500,
  timeZone: "Europe/Oslo",
} as const;

async function failure(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isAgentError(error) ? error.code : String(error);
  }
  return undefined;
}

/** The session that carried a receipt (more than status queries). */
const jobBytes = (printer: TcpTestPrinter): Buffer | undefined =>
  printer.sessions.find((s) => decodeEscPos(s).cuts > 0);

describe("EscPosPrinter over TCP (tcp://127.0.0.1:<port>)", () => {
  let tcp: TcpTestPrinter;
  let printer: ReceiptPrinter;
  beforeEach(async () => {
    tcp = await startTcpTestPrinter();
    printer = createPrinter(`tcp://127.0.0.1:${tcp.port}`, SETTINGS) as ReceiptPrinter;
  });
  afterEach(async () => {
    await printer.close();
    await tcp.close();
  });

  it("prints a receipt whose bytes read back: text with æøå, amounts, VAT, QR, cut", async () => {
    expect((await printer.status()).status).toBe("online");
    await printer.print(saleReceipt());
    await printer.print(testReceipt());
    await eventually(() => expect(tcp.sessions.filter((s) => decodeEscPos(s).cuts > 0)).toHaveLength(2));
    const [sale, test] = tcp.sessions.filter((s) => decodeEscPos(s).cuts > 0).map((s) => decodeEscPos(s));
    const saleText = sale?.lines.join("\n") ?? "";
    expect(saleText).toContain("Kaffebaren Ærø AS");
    expect(saleText).toMatch(/TOTALT +kr 141,15/);
    expect(saleText).toMatch(/25 % +78,40 +19,60 +98,00/);
    expect(sale?.statusQueries).toEqual([1, 2, 4]);
    expect(test?.lines).toContain(CHARACTER_TEST_LINE);
    expect(test?.qrPayloads.map((p) => p.toString())).toEqual(["https://qr.vipps.no/28/2/01/031/test?v=1"]);
    expect(test?.cuts).toBe(1);
  });

  it("refuses to print on paper out and cover open, sending nothing but the status queries", async () => {
    tcp.state = "paper_out";
    expect((await printer.status()).status).toBe("paper_out");
    expect(await failure(printer.print(saleReceipt()))).toBe("PRINTER_PAPER_OUT");
    tcp.state = "cover_open";
    expect(await failure(printer.print(saleReceipt()))).toBe("PRINTER_COVER_OPEN");
    expect(jobBytes(tcp)).toBeUndefined();
  });

  it("prints anyway when the printer does not answer DLE EOT (status unknown)", async () => {
    tcp.state = "silent";
    expect((await printer.status()).status).toBe("unknown");
    await printer.print(saleReceipt());
    await eventually(() => expect(jobBytes(tcp)).toBeDefined());
  });

  it("queues on paper out, reports it, and prints after the paper is refilled", async () => {
    const clock = new ManualClock();
    const outcomes: PrintOutcome[] = [];
    const queue = new PrintQueue(printer, {
      retryIntervalMs: 15_000,
      columns: 42,
      clock,
      onOutcome: (o) => outcomes.push(o),
    });
    tcp.state = "paper_out";
    expect(queue.enqueue({ id: "receipt:sale-1", document: saleReceipt() })).toBe("receipt:sale-1");
    await eventually(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]).toEqual({
      jobId: "receipt:sale-1",
      printed: false,
      error: "PRINTER_PAPER_OUT",
      attempt: 1,
      willRetry: true,
    });
    expect(jobBytes(tcp)).toBeUndefined();

    tcp.state = "online";
    clock.advance(15_000);
    await eventually(() => expect(outcomes).toHaveLength(2));
    expect(outcomes[1]).toEqual({ jobId: "receipt:sale-1", printed: true, attempt: 2 });
    expect(decodeEscPos(jobBytes(tcp) ?? Buffer.alloc(0)).lines.join("\n")).toMatch(
      /Betalt med Vipps +kr 141,15/,
    );
    await queue.close();
  });

  it("reports a closed port as offline, queues, and prints when the printer is back", async () => {
    const port = tcp.port;
    await tcp.close();
    expect((await printer.status()).status).toBe("offline");
    expect(await failure(printer.print(saleReceipt()))).toBe("PRINTER_OFFLINE");

    const clock = new ManualClock();
    const outcomes: PrintOutcome[] = [];
    const queue = new PrintQueue(printer, {
      retryIntervalMs: 5_000,
      columns: 42,
      clock,
      onOutcome: (o) => outcomes.push(o),
    });
    queue.enqueue({ id: "r1", document: saleReceipt() });
    await eventually(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]).toMatchObject({
      jobId: "r1",
      printed: false,
      error: "PRINTER_OFFLINE",
      willRetry: true,
    });

    tcp = await startTcpTestPrinter("online", port);
    clock.advance(5_000);
    await eventually(() => expect(outcomes).toHaveLength(2));
    expect(outcomes[1]).toMatchObject({ jobId: "r1", printed: true });
    await queue.close();
  });

  it("sends no DLE EOT to a Star printer (StarPRNT has no such command) and still prints", async () => {
    const star = createPrinter(`tcp://127.0.0.1:${tcp.port}`, {
      ...SETTINGS,
      model: "star-tsp100iv",
      columns: 48,
    }) as ReceiptPrinter;
    expect((await star.status()).status).toBe("unknown");
    await star.print(testReceipt());
    await eventually(() => expect(tcp.sessions.some((s) => s.length > 100)).toBe(true));
    expect(tcp.sessions.every((s) => !s.includes(Buffer.from([0x10, 0x04])))).toBe(true);
    await star.close();
  });
});

describe("EscPosPrinter over a real pty pair (socat)", () => {
  let dir: ReturnType<typeof tempDir>;
  let device: PtyTestPrinter;
  beforeEach(async () => {
    dir = tempDir();
    device = await startPtyTestPrinter(dir.path);
  });
  afterEach(async () => {
    await device.close();
    dir.cleanup();
  });

  for (const scheme of ["serial", "usb"] as const) {
    it(`${scheme}: prints æøå ÆØÅ €, the QR and the cut; refuses on paper out, then prints after a refill`, async () => {
      const uri = scheme === "serial" ? `serial:${device.devicePath}?baud=19200` : `usb:${device.devicePath}`;
      const printer = createPrinter(uri, SETTINGS) as ReceiptPrinter;
      try {
        expect((await printer.status()).status).toBe("online");
        await printer.print(testReceipt());
        await eventually(() => expect(decodeEscPos(device.received()).cuts).toBe(1));
        const decoded = decodeEscPos(device.received());
        expect(decoded.lines).toContain(CHARACTER_TEST_LINE);
        expect(decoded.qrPayloads.map((p) => p.toString())).toEqual([
          "https://qr.vipps.no/28/2/01/031/test?v=1",
        ]);
        expect(decoded.codepages).toContain("cp858");

        device.state = "paper_out";
        expect(await failure(printer.print(saleReceipt()))).toBe("PRINTER_PAPER_OUT");
        expect(decodeEscPos(device.received()).cuts).toBe(1);
        device.state = "online";
        await printer.print(saleReceipt());
        await eventually(() => expect(decodeEscPos(device.received()).cuts).toBe(2));
        expect(decodeEscPos(device.received()).lines.join("\n")).toMatch(/TOTALT +kr 141,15/);
      } finally {
        await printer.close();
      }
    });
  }

  it("reports a vanished device as offline", async () => {
    const path = device.devicePath;
    await device.close();
    for (const uri of [`serial:${path}`, `usb:${path}`]) {
      const printer = createPrinter(uri, SETTINGS) as ReceiptPrinter;
      expect((await printer.status()).status).toBe("offline");
      expect(await failure(printer.print(saleReceipt()))).toBe("PRINTER_OFFLINE");
      await printer.close();
    }
    device = await startPtyTestPrinter(dir.path);
  });
});

describe("EscPosPrinter timeouts", () => {
  it("gives up with PRINTER_TIMEOUT when the printer stops taking data", async () => {
    const hung: PrinterConnection = {
      write: (bytes) => (bytes.length > 3 ? new Promise(() => undefined) : Promise.resolve()),
      read: () => Promise.resolve(Uint8Array.of(0x12)),
      discardInput: () => undefined,
      close: () => Promise.resolve(),
    };
    const printer = new EscPosPrinter(
      { description: "hung", connect: () => Promise.resolve(hung) },
      { ...SETTINGS, writeTimeoutMs: 200 },
    );
    expect(await failure(printer.print(saleReceipt()))).toBe("PRINTER_TIMEOUT");
    await printer.close();
    expect(await failure(printer.print(saleReceipt()))).toBe("PRINTER_CLOSED");
  });

  it("refuses an unknown model or column count when created", () => {
    expect(() => createPrinter("tcp://127.0.0.1:9", { ...SETTINGS, model: "nope" })).toThrow(
      /unknown printer model/,
    );
    expect(() => createPrinter("tcp://127.0.0.1:9", { ...SETTINGS, columns: 40 })).toThrow(/columns/);
    expect(createPrinter("none", SETTINGS)).toBeUndefined();
  });
});
