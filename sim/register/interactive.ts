import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { errorMessage } from "../../lib/errors.js";
import type { Currency } from "../../lib/money.js";
import {
  describeMessageLong,
  formatAmount,
  type BasketLine,
  type SendResult,
  type Tender,
} from "../../drivers/register/index.js";
import { CATALOGUE, findArticle, lineFor, makeBasket } from "./catalogue.js";
import type { ReferenceRegister } from "./reference-register.js";
import { totalsTicket } from "./totals-ticket.js";

/**
 * The interactive register: a cashier at a prompt. Lines are added from the catalogue (or
 * made up), then sent, paid, cancelled, refunded or queried; `raw` sends any JSON to see how
 * the agent refuses it.
 */

const HELP = `commands:
  items                          list the articles
  add <article> [quantity]       add an article, e.g. "add kaffe 2", "add epler 0.455"
  item <name> <price> [vat%]     add a made-up article (price in minor units)
  show                           show the open basket
  send                           send the basket
  pay                            send the basket if it changed, then pay (again: a new per-sale QR)
  split <kind> <amount>          the customer pays that much by cash, card, giftCard or voucher;
                                 the next pay asks Vipps MobilePay for the rest (§7.14)
  scan <personal QR text>        pay, naming the customer by the personal QR the scanner read
  phone <number>                 pay, naming the customer by the number typed (e.g. 4791234567)
  hold                           send the basket if it changed, then pay with hold: authorize only (§7.13)
  capture [saleId]               capture a held sale: the basket as it is now (send it first if it changed)
  release [saleId]               release a held sale: the customer gets the money back
  cancel [saleId]                cancel the open (or given) sale
  refund <saleId> <amount> [id]  refund part of a captured sale (minor units)
  refund-elsewhere <reference> <amount>  refund a payment another till took (§7.11)
  status [saleId]                ask the agent for a sale's state
  totals [YYYY-MM-DD]            print the day's totals (default today)
  new                            start a new sale
  sales                          the sales and what the agent reported
  raw <json>                     send any JSON object as a frame (e.g. a bad basket)
  help, quit`;

export interface InteractiveOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly currency: Currency;
  readonly salePrefix?: string;
}

function answer(result: SendResult): string {
  return "acked" in result ? "✓ acked" : `✗ refused ${result.refused.code}: ${result.refused.message}`;
}

export async function runInteractive(
  register: ReferenceRegister,
  options: InteractiveOptions,
): Promise<void> {
  const print = (text: string): void => void options.output.write(`${text}\n`);
  const prefix = options.salePrefix ?? `R${Date.now().toString(36).toUpperCase()}-`;
  let number = 1;
  let saleId = `${prefix}${number}`;
  let lines: BasketLine[] = [];
  let sent = "";
  let tenders: Tender[] = [];
  const basket = () => makeBasket(saleId, options.currency, lines);

  const commands: Record<string, (args: string[]) => Promise<void> | void> = {
    help: () => print(HELP),
    items: () =>
      CATALOGUE.forEach((a) =>
        print(
          `  ${a.id.padEnd(8)} ${a.name.padEnd(14)} ${formatAmount(a.unitPrice, options.currency)} / ${a.unit}, VAT ${a.vatRate / 100} %`,
        ),
      ),
    add: ([id = "", quantity = "1"]) => {
      const article = findArticle(id);
      if (article === undefined) return print(`no article "${id}" (see: items)`);
      lines.push(lineFor(article, quantity));
      print(describeMessageLong({ type: "basket", ...basket() }));
    },
    item: ([name = "", price = "", vat = "25"]) => {
      lines.push(
        lineFor({
          id: `x${lines.length + 1}`,
          name,
          unitPrice: Number(price),
          vatRate: Math.round(Number(vat) * 100),
          unit: "PCS",
        }),
      );
      print(describeMessageLong({ type: "basket", ...basket() }));
    },
    show: () => print(describeMessageLong({ type: "basket", ...basket() })),
    send: async () => {
      print(`basket ${answer(await register.sell(basket()))}`);
      sent = JSON.stringify(basket());
    },
    pay: async () => {
      if (sent !== JSON.stringify(basket())) await commands.send?.([]);
      print(`pay ${answer(await register.pay(saleId, basket().total, undefined, undefined, tenders))}`);
    },
    split: ([kind = "", amount = ""]) => {
      // Unchecked on purpose, like raw: the agent's refusal (UNKNOWN_TENDER …) is the lesson.
      tenders.push({ kind: kind as Tender["kind"], amount: Number(amount) });
      const others = tenders.reduce((sum, t) => sum + t.amount, 0);
      print(
        `${tenders.map((t) => `${t.kind} ${formatAmount(t.amount, options.currency)}`).join(" + ")}; Vipps MobilePay ${formatAmount(basket().total - others, options.currency)}`,
      );
    },
    scan: async (words) => {
      if (sent !== JSON.stringify(basket())) await commands.send?.([]);
      const personalQr = words.join(" ");
      print(`pay ${answer(await register.pay(saleId, basket().total, undefined, { personalQr }))}`);
    },
    phone: async ([phoneNumber = ""]) => {
      if (sent !== JSON.stringify(basket())) await commands.send?.([]);
      print(`pay ${answer(await register.pay(saleId, basket().total, undefined, { phoneNumber }))}`);
    },
    hold: async () => {
      if (sent !== JSON.stringify(basket())) await commands.send?.([]);
      print(`pay (hold) ${answer(await register.payHold(saleId, basket().total))}`);
    },
    capture: async ([id = saleId]) => {
      // The final basket first (it may have changed since the hold), then the capture of its total.
      if (id === saleId && sent !== JSON.stringify(basket())) await commands.send?.([]);
      print(`capture ${answer(await register.capture(id))}`);
    },
    release: async ([id = saleId]) => print(`release ${answer(await register.release(id))}`),
    cancel: async ([id = saleId]) => print(`cancel ${answer(await register.cancel(id))}`),
    refund: async ([id = "", amount = "", refundId = `${id}-R${Date.now().toString(36)}`]) =>
      print(`refund ${answer(await register.refund(id, refundId, Number(amount)))}`),
    "refund-elsewhere": async ([reference = "", amount = ""]) => {
      const saleId = `R-${Date.now().toString(36)}`;
      print(
        `refund ${saleId} ${answer(await register.refund(saleId, `${saleId}-1`, Number(amount), reference))}`,
      );
    },
    status: async ([id = saleId]) => print(`status ${answer(await register.status(id))}`),
    totals: async ([date]) => {
      const result = await register.totals(date);
      if ("refused" in result) return print(`totals ${answer(result)}`);
      totalsTicket(result.totals).forEach((l) => print(l));
    },
    new: () => {
      number++;
      saleId = `${prefix}${number}`;
      lines = [];
      sent = "";
      tenders = [];
      print(`new sale ${saleId}`);
    },
    sales: () =>
      register
        .sales()
        .forEach((s) =>
          print(
            `  ${s.saleId}: ${s.state ?? "no report yet"}${s.final ? " (final)" : ""}${s.refusals.length > 0 ? `, refused: ${s.refusals.map((r) => r.code).join(", ")}` : ""}`,
          ),
        ),
    raw: async (args) => {
      const parsed = JSON.parse(args.join(" ")) as unknown;
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        return print("raw needs a JSON object");
      print(`raw ${answer(await register.sendRaw(parsed as Record<string, unknown>))}`);
    },
  };

  print(`sale ${saleId} — type "help" for commands`);
  const rl = createInterface({ input: options.input, terminal: false });
  for await (const input of rl) {
    const [name = "", ...args] = input.trim().split(/\s+/);
    if (name === "") continue;
    if (name === "quit" || name === "exit") break;
    const command = commands[name];
    if (command === undefined) {
      print(`unknown command "${name}" (see: help)`);
      continue;
    }
    try {
      await command(args);
    } catch (error) {
      print(`✗ ${errorMessage(error)}`);
    }
  }
  rl.close();
}
