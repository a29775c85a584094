import type { Clock } from "../../lib/clock.js";
import { systemClock } from "../../lib/clock.js";
import { errorMessage, isAgentError } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import { silentLogger } from "../../lib/log.js";
import { deviceFileTransport } from "./device-file-transport.js";
import type { PrintDocument } from "./document.js";
import type { PrinterErrorCode } from "./errors.js";
import { printerError } from "./errors.js";
import { encodeDocument, printerLanguage } from "./escpos-encode.js";
import type { ReceiptPrinter } from "./printer.js";
import { serialTransport } from "./serial-transport.js";
import type { PrinterStatus, PrinterStatusReport } from "./status.js";
import { DLE_EOT_OFFLINE_CAUSE, DLE_EOT_PAPER, DLE_EOT_PRINTER, interpretStatus } from "./status.js";
import { tcpTransport } from "./tcp-transport.js";
import type { PrinterConnection, PrinterTransport } from "./transport.js";
import type { PrinterAddress } from "./uri.js";
import { parsePrinterUri } from "./uri.js";

export interface EscPosPrinterOptions {
  /** Printer model id (config `printer.model`): code pages and commands. */
  readonly model: string;
  /** Characters per line (config `printer.columns`). */
  readonly columns: number;
  /** Wait for each DLE EOT answer this long (config `printer.statusTimeoutMs`). */
  readonly statusTimeoutMs: number;
  /** Opening the connection; default 3000 ms. */
  readonly connectTimeoutMs?: number;
  /** Handing a job to the printer; default 30000 ms (a long receipt at 9600 baud takes a few seconds). */
  readonly writeTimeoutMs?: number;
  readonly timeZone?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

const BLOCKING: Partial<Record<PrinterStatus, PrinterErrorCode>> = {
  paper_out: "PRINTER_PAPER_OUT",
  cover_open: "PRINTER_COVER_OPEN",
  offline: "PRINTER_OFFLINE",
};

function transportFor(
  address: Exclude<PrinterAddress, { kind: "none" }>,
  clock: Clock = systemClock,
): PrinterTransport {
  switch (address.kind) {
    case "usb":
      return deviceFileTransport(address.path, clock);
    case "serial":
      return serialTransport(address.path, address.baudRate, clock);
    case "tcp":
      return tcpTransport(address.host, address.port, clock);
  }
}

/**
 * The printer for config `printer`, or undefined for `uri: none`. Throws `PRINTER_BAD_URI` or
 * `PRINTER_BAD_CONFIG` (unknown model, unsupported columns) at start-up, not at the first sale.
 */
export function createPrinter(uri: string, options: EscPosPrinterOptions): ReceiptPrinter | undefined {
  const address = parsePrinterUri(uri);
  if (address.kind === "none") return undefined;
  return new EscPosPrinter(transportFor(address, options.clock), options);
}

/**
 * An ESC/POS (or Star) printer behind a transport. Each job: connect, ask the status (ESC/POS
 * models), refuse to send while paper is out / the cover is open / it is offline, send, close.
 * Jobs and status queries run one at a time.
 */
export class EscPosPrinter implements ReceiptPrinter {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly asksStatus: boolean;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly transport: PrinterTransport,
    private readonly options: EscPosPrinterOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? silentLogger()).child({
      module: "printer",
      printer: transport.description,
    });
    // Validates model and columns now (PRINTER_BAD_CONFIG); Star models do not answer DLE EOT.
    encodeDocument(
      { kind: "test", language: "en", header: [], till: "-", time: 0, lines: [] },
      this.encodeOptions(),
    );
    this.asksStatus = printerLanguage(options.model) === "esc-pos";
  }

  status(): Promise<PrinterStatusReport> {
    return this.exclusive(async () => {
      let connection: PrinterConnection;
      try {
        connection = await this.transport.connect(this.options.connectTimeoutMs ?? 3_000);
      } catch (error) {
        return { status: "offline", detail: errorMessage(error) };
      }
      try {
        return await this.query(connection);
      } finally {
        await connection.close();
      }
    });
  }

  print(doc: PrintDocument): Promise<void> {
    const bytes = encodeDocument(doc, this.encodeOptions());
    return this.exclusive(async () => {
      let connection: PrinterConnection;
      try {
        connection = await this.transport.connect(this.options.connectTimeoutMs ?? 3_000);
      } catch (error) {
        throw printerError(
          "PRINTER_OFFLINE",
          `cannot reach the printer (${this.transport.description}): ${errorMessage(error)}`,
          { cause: error },
        );
      }
      try {
        const report = await this.query(connection);
        const blocked = BLOCKING[report.status];
        if (blocked !== undefined)
          throw printerError(blocked, `printer not ready: ${report.detail}`, {
            details: { status: report.status },
          });
        await this.send(connection, bytes);
        this.log.info({ kind: doc.kind, bytes: bytes.length, status: report.status }, "printed");
      } finally {
        await connection.close();
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.chain.catch(() => undefined);
  }

  private encodeOptions() {
    const { model, columns, timeZone } = this.options;
    return timeZone === undefined ? { model, columns } : { model, columns, timeZone };
  }

  private async query(connection: PrinterConnection): Promise<PrinterStatusReport> {
    if (!this.asksStatus) return { status: "unknown", detail: "model does not answer DLE EOT" };
    const ask = async (request: Uint8Array): Promise<number | undefined> => {
      connection.discardInput();
      await connection.write(request);
      return (await connection.read(1, this.options.statusTimeoutMs))[0];
    };
    try {
      await connection.read(4096, 0);
      const printer = await ask(DLE_EOT_PRINTER);
      if (printer === undefined) return interpretStatus(undefined);
      return interpretStatus(printer, await ask(DLE_EOT_OFFLINE_CAUSE), await ask(DLE_EOT_PAPER));
    } catch (error) {
      return { status: "offline", detail: errorMessage(error) };
    }
  }

  private async send(connection: PrinterConnection, bytes: Uint8Array): Promise<void> {
    const timeoutMs = this.options.writeTimeoutMs ?? 30_000;
    let timer: ReturnType<Clock["setTimeout"]> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(
        () => reject(printerError("PRINTER_TIMEOUT", `the printer took no more data for ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([connection.write(bytes), timeout]);
    } catch (error) {
      if (isAgentError(error)) throw error;
      throw printerError("PRINTER_WRITE_FAILED", `writing to the printer failed: ${errorMessage(error)}`, {
        cause: error,
      });
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(printerError("PRINTER_CLOSED", "the printer is closed"));
    const next = this.chain.then(job, job);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
