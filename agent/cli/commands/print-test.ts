import { InvalidArgumentError, type Command } from "commander";
import { errorMessage, isAgentError } from "../../../lib/errors.js";
import { isLanguage, type Language } from "../../../lib/locale/index.js";
import type { ReceiptPrinter, TestReceipt } from "../../../drivers/printer/index.js";
import { ENCODER_COLUMNS, createPrinter } from "../../../drivers/printer/index.js";
import { EXIT } from "../../../lib/exit-codes.js";

/**
 * `pos-agent print-test --printer <uri>`: asks the printer for its status, then prints a test
 * receipt with the line `æøå ÆØÅ €` and a QR. Exit 0 when printed, 64 for bad options (URI,
 * model, columns), 69 when the printer is offline, out of paper or its cover is open.
 */

export const DEFAULT_PRINT_TEST_CONTENT = "https://qr.vipps.no/print-test";

interface PrintTestOptions {
  printer: string;
  model: string;
  columns: number;
  language: Language;
  content: string;
  till: string;
  statusTimeoutMs: number;
}

const integer =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };

export function registerPrintTestCommand(program: Command): void {
  program
    .command("print-test")
    .description("print a test receipt (æøå ÆØÅ €, a QR) and show the printer's status")
    .requiredOption(
      "-p, --printer <uri>",
      "usb:/dev/usb/lp0, serial:/dev/pos-printer?baud=19200 or tcp://host:9100",
    )
    .option(
      "--model <id>",
      "printer model (chooses code pages), e.g. epson-tm-t88vi, epson-tm-t20iii, star-tsp100iv",
      "epson-tm-t88vi",
    )
    .option("--columns <n>", `characters per line: ${ENCODER_COLUMNS.join(", ")}`, integer(24, 64), 42)
    .option(
      "--language <code>",
      "nb, da, fi or en",
      (value: string) => {
        if (!isLanguage(value)) throw new InvalidArgumentError("expected nb, da, fi or en");
        return value;
      },
      "nb",
    )
    .option("--content <text>", "what the QR encodes", DEFAULT_PRINT_TEST_CONTENT)
    .option("--till <id>", "till id printed on the receipt", "print-test")
    .option(
      "--status-timeout-ms <ms>",
      "wait for the DLE EOT status answer, milliseconds",
      integer(100, 10_000),
      1_000,
    )
    .action(async (options: PrintTestOptions) => {
      let printer: ReceiptPrinter | undefined;
      try {
        printer = createPrinter(options.printer, {
          model: options.model,
          columns: options.columns,
          statusTimeoutMs: options.statusTimeoutMs,
        });
      } catch (error) {
        process.stderr.write(`✗ ${isAgentError(error) ? `${error.code}: ` : ""}${errorMessage(error)}\n`);
        process.exitCode = EXIT.USAGE;
        return;
      }
      if (printer === undefined) {
        process.stderr.write("✗ no printer: give --printer usb:…, serial:… or tcp://…\n");
        process.exitCode = EXIT.USAGE;
        return;
      }
      try {
        const status = await printer.status();
        process.stdout.write(`status: ${status.status} (${status.detail})\n`);
        const receipt: TestReceipt = {
          kind: "test",
          language: options.language,
          header: [],
          time: Date.now(),
          till: options.till,
          lines: [
            `printer: ${options.printer}`,
            `model: ${options.model}, ${options.columns} columns`,
            `pos-agent ${process.env.npm_package_version ?? "0.1.0"}`,
          ],
          qrContent: options.content,
        };
        await printer.print(receipt);
        process.stdout.write(`✓ test receipt printed on ${options.printer}\n`);
        process.exitCode = EXIT.OK;
      } catch (error) {
        const code = isAgentError(error) ? error.code : "ERROR";
        process.stderr.write(`✗ not printed: ${code}: ${errorMessage(error)}\n`);
        process.exitCode =
          code === "PRINTER_BAD_DOCUMENT" || code === "PRINTER_BAD_CONFIG" ? EXIT.USAGE : EXIT.UNAVAILABLE;
      } finally {
        await printer.close();
      }
    });
}
