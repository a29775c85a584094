import { InvalidArgumentError, type Command } from "commander";
import { errorMessage, isAgentError } from "../../../lib/errors.js";
import { CURRENCIES, isMinorUnits, type Currency, type Money } from "../../../lib/money.js";
import { BRAND_SETTINGS, LANGUAGES, type BrandSetting, type Language } from "../../../lib/locale/index.js";
import type { NotPaidReason, Screen, ScreenKind } from "../../../drivers/display/index.js";
import { NOT_PAID_REASONS, SCREEN_KINDS, openTerminalDisplay } from "../../../drivers/display/index.js";
import { EXIT } from "../../../lib/exit-codes.js";

/**
 * `pos-agent display-test --display <path>`: draws one customer screen on a TTY or into a file,
 * to check a display (and its QR, with a phone) while commissioning. Exit 0 when drawn, 64 for
 * bad options, 69 when the display cannot be written.
 */

export const DEFAULT_TEST_CONTENT = "https://qr.vipps.no/display-test";

interface DisplayTestOptions {
  display: string;
  content: string;
  screen: ScreenKind;
  language: Language;
  currency: Currency;
  brand: BrandSetting;
  amount: number;
  reason: NotPaidReason;
  rows?: number;
  columns?: number;
}

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (value: string): T => {
    if (!(values as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${values.join(", ")}`);
    return value as T;
  };

const integer =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };

const minorUnits = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !isMinorUnits(n))
    throw new InvalidArgumentError("expected an amount in minor units (øre/cent), e.g. 12345");
  return n;
};

/** A sample of each screen, built from the options. */
export function sampleScreen(
  kind: ScreenKind,
  options: Pick<DisplayTestOptions, "content" | "currency" | "amount" | "reason">,
): Screen {
  const amount: Money = { currency: options.currency, value: options.amount };
  switch (kind) {
    case "idle":
      return { kind, qrContent: options.content };
    case "amount":
    case "payment_qr":
      return { kind, amount, qrContent: options.content };
    case "waiting":
    case "paid":
      return { kind, amount };
    case "loyalty_login":
      return { kind, bindingMessage: "4MZ-CQ3" };
    case "member":
      return { kind, memberName: "Kari", tier: "Gull" };
    case "not_paid":
      return { kind, reason: options.reason };
    case "out_of_service":
      return { kind };
  }
}

export function registerDisplayTestCommand(program: Command): void {
  program
    .command("display-test")
    .description(
      "draw one customer screen on a display (a TTY such as /dev/tty1, or a file to `cat` over SSH)",
    )
    .requiredOption("-d, --display <path>", "TTY device or file")
    .option("--content <text>", "what the QR encodes (the till's qrContent)", DEFAULT_TEST_CONTENT)
    .option("-s, --screen <name>", `screen: ${SCREEN_KINDS.join(", ")}`, oneOf(SCREEN_KINDS), "idle")
    .option("--language <code>", "nb, da, fi or en", oneOf(LANGUAGES), "nb")
    .option("--currency <code>", CURRENCIES.join(", "), oneOf(CURRENCIES), "NOK")
    .option("--brand <brand>", "auto, vipps or mobilepay", oneOf(BRAND_SETTINGS), "auto")
    .option("--amount <minor>", "amount in minor units for amount/waiting/paid", minorUnits, 12_345)
    .option(
      "--reason <code>",
      `not_paid reason: ${NOT_PAID_REASONS.join(", ")}`,
      oneOf(NOT_PAID_REASONS),
      "EXPIRED",
    )
    .option("--rows <n>", "screen rows (default: from the TTY, else 24)", integer(10, 500))
    .option("--columns <n>", "screen columns (default: from the TTY, else 80)", integer(20, 1000))
    .action(async (options: DisplayTestOptions) => {
      const display = openTerminalDisplay({
        target: { path: options.display },
        language: options.language,
        brand: options.brand,
        currency: options.currency,
        ...(options.rows === undefined ? {} : { rows: options.rows }),
        ...(options.columns === undefined ? {} : { columns: options.columns }),
      });
      try {
        await display.show(sampleScreen(options.screen, options));
        process.stdout.write(`✓ ${options.screen} screen drawn on ${options.display}\n`);
        process.exitCode = EXIT.OK;
      } catch (error) {
        const code = isAgentError(error) ? error.code : "ERROR";
        process.stderr.write(`✗ ${options.display}: ${code}: ${errorMessage(error)}\n`);
        process.exitCode =
          code === "DISPLAY_WRITE_FAILED"
            ? EXIT.UNAVAILABLE
            : code === "DISPLAY_BAD_SCREEN"
              ? EXIT.USAGE
              : EXIT.FAILURE;
      } finally {
        await display.close();
      }
    });
}
