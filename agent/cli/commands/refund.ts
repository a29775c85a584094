import { InvalidArgumentError, type Command } from "commander";
import { terminalSafeValue } from "../../../lib/terminal-text.js";
import { controlRequest, type SaleStatusLine } from "../../control/index.js";
import { EXIT } from "../../../lib/exit-codes.js";
import { addAgentTargetOptions, agentTarget, type AgentTargetOptions } from "../support/agent-target.js";
import { parseAmountArgument } from "../support/amount-arg.js";
import { processIo, type CliIo } from "../support/cli-io.js";
import { cliError } from "../support/errors.js";
import { reportFailure } from "../support/failure.js";
import { formatMoney, jsonOutput } from "../../../lib/terminal-format.js";
import { withProgress } from "../support/progress.js";

/** A payment reference as Vipps allows it (ePayment `reference`). */
const REFERENCE = /^[a-zA-Z0-9-]{8,50}$/;

interface RefundOptions extends AgentTargetOptions {
  yes?: boolean;
  json?: boolean;
  timeout: number;
}

const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 5 || n > 600) throw new InvalidArgumentError("expected 5 to 600 seconds");
  return n;
};

/**
 * `pos-agent refund <reference> [<amount>]`: the running agent refunds (part of) a captured
 * sale at Vipps and prints the refund receipt — also a payment another till took, looked up at
 * Vipps first (docs/operations.md, docs/register-protocol.md §7.11). Money moves, so it asks first (or takes --yes
 * when there is no terminal to ask on). The answer comes once Vipps answered; a timeout leaves
 * the outcome unknown (exit 75): `pos-agent status` shows what happened.
 */
export function registerRefundCommand(program: Command, io: CliIo = processIo): void {
  addAgentTargetOptions(
    program
      .command("refund")
      .description("refund a captured sale, all or part, by its payment reference")
      .argument(
        "<reference>",
        "the sale's payment reference (pos-agent status lists them)",
        (value: string) => {
          if (!REFERENCE.test(value))
            throw new InvalidArgumentError("expected a payment reference: 8–50 of A–Z, a–z, 0–9 and -");
          return value;
        },
      )
      .argument(
        "[amount]",
        "minor units (1250) or exactly two decimals (12.50); default: everything not yet refunded (required for a payment another till took)",
        parseAmountArgument,
      )
      .option("-y, --yes", "do not ask for confirmation")
      .option("--timeout <seconds>", "wait this long for Vipps' answer", seconds, 120)
      .option("--json", "print the sale's state after the refund as JSON"),
    "refund",
  ).action(async (reference: string, amount: number | undefined, options: RefundOptions) => {
    let context: { socketPath: string; group: string } | undefined;
    try {
      const target = agentTarget(options, "refund");
      context = { socketPath: target.socketPath, group: target.group };
      const currency = target.config?.vipps.currency;
      const what =
        amount === undefined
          ? "everything not yet refunded"
          : currency === undefined
            ? `${amount} minor units`
            : formatMoney(amount, currency);
      await confirm(io, `Refund ${what} of payment ${reference}?`, options.yes === true);
      const request =
        amount === undefined
          ? ({ method: "refund", reference } as const)
          : ({ method: "refund", reference, amount } as const);
      const sale = await withProgress(
        io,
        "refunding (waiting for Vipps)",
        controlRequest(target.socketPath, request, { timeoutMs: options.timeout * 1_000 }),
      );
      io.out(options.json === true ? jsonOutput(sale) : describeRefunded(terminalSafeValue(sale)));
      io.setExitCode(EXIT.OK);
    } catch (error) {
      reportFailure(io, error, context ?? {});
    }
  });
}

async function confirm(io: CliIo, question: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (!io.interactive)
    throw cliError("NOT_CONFIRMED", `${question} Not confirmed: there is no terminal to ask on; add --yes`);
  io.err(`${question} [y/N] `);
  const answer = (await io.readLine()).trim().toLowerCase();
  if (answer !== "y" && answer !== "yes") throw cliError("NOT_CONFIRMED", "not refunded (not confirmed)");
}

function describeRefunded(sale: SaleStatusLine): string {
  const money = (value: number | undefined): string => formatMoney(value ?? 0, sale.currency);
  return `✓ refunded: sale ${sale.saleId} (#${sale.saleNo}), ${sale.reference ?? "no reference"} — captured ${money(sale.capturedAmount)}, refunded ${money(sale.refundedAmount)} in total, now ${sale.state}\n`;
}
