import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../lib/clock.js";
import { maskPhone, silentLogger } from "../lib/log.js";
import { formatAmount } from "../lib/locale/index.js";
import { FakePrinter } from "../drivers/printer/index.js";
import {
  createMemoryCable,
  type SaleReport,
  type Basket,
  type SaleMessage,
} from "../drivers/register/index.js";
import { createReferenceRegister } from "../sim/register/reference-register.js";
import { MemberStore } from "../agent/loyalty/index.js";
import { openDatabase } from "../agent/store/database.js";
import { startAgent, type RunningAgent } from "../agent/runtime/agent.js";
import { JOURNAL_FILE } from "../agent/journal/journal-access.js";
import { printerReceipts } from "../agent/runtime/printer-receipts.js";
import { bridgeDown, identificationBecomes, scanPerSale } from "./bridge-down.js";
import { Dashboard } from "./dashboard.js";
import { refundElsewhereSale } from "./refund-elsewhere-sale.js";
import { scenarioFor, type Scenario, type ScenarioName } from "./scenarios.js";
import { startSystem } from "./system.js";

export interface DemoOptions {
  /** Run this many sales and stop; undefined: one after another until interrupted. */
  readonly sales?: number;
  readonly scenario: ScenarioName;
  /** The seed's richer flow: a known member, or a new customer asked to join. */
  readonly loyalty?: "member" | "enroll";
  readonly out: NodeJS.WriteStream;
  /** Resolves to stop a continuous demo (Ctrl-C). */
  readonly interrupted: Promise<void>;
}

export interface DemoResult {
  readonly sales: number;
  readonly asExpected: number;
  readonly failures: readonly string[];
}

const CUSTOMER = "4712345678";
/** The `age` scenario's customer: 17 today, by the simulator's profile. */
const TEEN = "4712345617";
const BEER = {
  id: "7041234000017",
  name: "Pils 0,5 l",
  quantity: "1",
  unitPrice: 4490,
  total: 4490,
  vatRate: 2500,
  unit: "PCS",
  minimumAge: 18,
} as const;

function seventeenToday(now = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${now.getUTCFullYear() - 17}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}`;
}
const BASKETS: readonly Omit<Basket, "saleId">[] = [
  {
    currency: "NOK",
    total: 8650,
    lines: [
      {
        id: "7038010009457",
        name: "Kaffe latte",
        quantity: "2",
        unitPrice: 3900,
        total: 7800,
        vatRate: 1500,
        unit: "PCS",
      },
      {
        id: "7038010021237",
        name: "Kanelbolle",
        quantity: "1",
        unitPrice: 3500,
        discount: 2650,
        total: 850,
        vatRate: 1500,
        unit: "PCS",
      },
    ],
  },
  {
    currency: "NOK",
    total: 12990,
    lines: [
      {
        id: "7090026220141",
        name: "Smøremiddel æøå 250 g",
        quantity: "1",
        unitPrice: 12990,
        total: 12990,
        vatRate: 2500,
        unit: "PCS",
      },
    ],
  },
];

/**
 * The demo (`npm start`): the whole system on one laptop — the Vipps simulator, an embedded MQTT broker,
 * the bridge, the agent, the reference register on an in-memory cable and a simulated customer —
 * running sales and showing the customer display, what happens, and the receipts.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const dir = mkdtempSync(join(tmpdir(), "pos-agent-demo-"));
  const dashboard = new Dashboard(options.out, { language: "nb", currency: "NOK" });
  const loyaltyMode =
    options.loyalty === undefined ? "off" : options.loyalty === "member" ? "lookup" : "enroll";
  const system = await startSystem({
    directory: dir,
    config: {
      loyalty: { mode: loyaltyMode, memberBasketWindowMs: 10_000 },
      display: { language: "nb" },
      printer: {
        header: ["Kaffebaren AS", "Storgata 1, 0155 Oslo", "Org.nr. 999 999 999 MVA"],
        footer: ["Takk for besøket!"],
      },
    },
    // A demo cannot wait Vipps' 10 minutes for an unanswered request: 20 s here.
    simulator: {
      paymentExpiryMs: 20_000,
      customers: {
        [CUSTOMER]: { profile: { givenName: "Kari", familyName: "Nordmann" } },
        [TEEN]: { profile: { givenName: "Ola", familyName: "Nordmann", birthdate: seventeenToday() } },
      },
    },
  });
  if (options.loyalty === "member") seedMember(join(system.loaded.config.storage.directory, JOURNAL_FILE));

  const cable = createMemoryCable();
  const printer = new FakePrinter({ columns: 42, onPrint: (text) => dashboard.printed(text) });
  const agent = startAgent(system.loaded, {
    logger: silentLogger(),
    registerTransport: cable.a,
    screen: dashboard,
    receipts: printerReceipts(printer, system.loaded.config, systemClock, silentLogger()),
  });
  const register = createReferenceRegister({ transport: cable.b });
  register.onReport((report) => narrate(dashboard, report));
  register.start();
  await register.waitUntilUp(10_000);
  dashboard.say(
    "agent",
    `till ${system.tillId} ready — Vipps simulator ${system.sim.url}, bridge ${system.bridge.url}`,
  );

  // The demo's customer scans the till's own QR, which identification auto offers once the MQTT
  // link is up and a bridge's heartbeat is seen — a moment after start (docs/architecture.md).
  await identificationBecomes(agent, "callback");

  const failures: string[] = [];
  let done = 0;
  let stop = false;
  void options.interrupted.then(() => (stop = true));
  try {
    for (let n = 0; options.sales === undefined ? !stop : n < options.sales; n++) {
      const scenario = scenarioFor(options.scenario, n);
      const parts = { system, register, dashboard, agent };
      const problem =
        scenario.bridgeDown === true
          ? await bridgeDown({ system, agent, say: (who, what) => dashboard.say(who, what) }, () =>
              runSale(n, scenario, options.loyalty !== undefined, parts),
            )
          : await runSale(n, scenario, options.loyalty !== undefined, parts);
      done++;
      if (problem !== undefined) failures.push(problem);
      if (options.sales === undefined && !stop) await Promise.race([options.interrupted, pause(4_000)]);
    }
  } finally {
    await register.stop();
    await agent.stop();
    await system.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { sales: done, asExpected: done - failures.length, failures };
}

interface Parts {
  readonly system: Awaited<ReturnType<typeof startSystem>>;
  readonly register: ReturnType<typeof createReferenceRegister>;
  readonly dashboard: Dashboard;
  readonly agent: RunningAgent;
}

/** One sale as a cashier and a customer would do it. Returns what went wrong, if anything. */
async function runSale(
  n: number,
  scenario: Scenario,
  loyalty: boolean,
  { system, register, dashboard }: Parts,
): Promise<string | undefined> {
  const template = BASKETS[n % BASKETS.length] ?? BASKETS[0];
  if (template === undefined) return "no basket";
  const saleId = `DEMO-${Date.now().toString(36)}-${n + 1}`;
  const basket: Basket =
    scenario.underage === true
      ? { currency: "NOK", saleId, lines: [...template.lines, BEER], total: template.total + BEER.total }
      : { ...template, saleId };
  const customer = scenario.underage === true ? TEEN : CUSTOMER;
  const say = (who: string, what: string): void => dashboard.say(who, what);
  say("demo", `sale ${n + 1}: ${scenario.description}`);
  if (scenario.boughtElsewhere === true)
    return refundElsewhereSale(n, template.total, CUSTOMER, { system, register, say });
  system.sim.control.setCustomer(customer, {
    payment: scenario.customer,
    login: { action: "approve", afterMs: 2_500 },
  });
  const scan = (): void => {
    if (scenario.bridgeDown === true) return scanPerSale(basket.saleId, customer, { system, register, say });
    say("customer", `scans the QR with the app (${maskPhone(customer)})`);
    system.sim.control.scan({ msisdn: customer, qrContent: system.qrContent });
  };

  say(
    "register",
    `basket ${basket.saleId}: ${basket.lines.length} line(s), ${formatAmount({ currency: "NOK", value: basket.total }, "nb")}`,
  );
  await register.sell(basket);
  await pause(1_500);
  if (scenario.scanFirst === true) {
    scan();
    await pause(1_500);
  }
  // Split tender: whole kroner in cash, about half; Vipps MobilePay collects the rest.
  const cash = scenario.partCash === true ? Math.floor(basket.total / 200) * 100 : 0;
  const tenders = cash > 0 ? [{ kind: "cash" as const, amount: cash }] : undefined;
  if (tenders !== undefined)
    say("register", `cashier takes ${formatAmount({ currency: "NOK", value: cash }, "nb")} in cash`);
  say(
    "register",
    scenario.hold === true ? "cashier presses Vipps: hold (capture later)" : "cashier presses Vipps: pay",
  );
  await (scenario.hold === true
    ? register.payHold(basket.saleId)
    : register.pay(basket.saleId, undefined, undefined, undefined, tenders));
  if (scenario.scanFirst !== true) {
    await pause(2_000);
    scan();
  }
  if (loyalty) await memberPrices(basket, register, say);
  if (scenario.hold === true) {
    const problem = await captureLess(basket, register, say);
    if (problem !== undefined) return problem;
  }
  if (scenario.cashierCancelsAfterMs !== undefined) {
    await register.waitForSale(basket.saleId, (m) => m.state === "payment_requested", 30_000);
    await pause(scenario.cashierCancelsAfterMs);
    say("register", "cashier cancels");
    await register.cancel(basket.saleId);
  }

  let final: SaleMessage;
  try {
    final = await register.waitForSale(basket.saleId, undefined, 60_000);
  } catch {
    return `${basket.saleId}: no final state within 60 s`;
  }
  const expected = scenario.expect;
  if (final.state !== expected.state || (expected.reason !== undefined && final.reason !== expected.reason)) {
    return `${basket.saleId}: ended ${final.state}${final.reason ? ` (${final.reason})` : ""}, expected ${expected.state}${expected.reason ? ` (${expected.reason})` : ""}`;
  }
  if (tenders !== undefined && final.state === "captured" && final.capturedAmount !== basket.total - cash)
    return `${basket.saleId}: captured ${final.capturedAmount ?? 0}, expected the Vipps part ${basket.total - cash}`;
  if (loyalty && final.state === "captured" && final.member === undefined)
    return `${basket.saleId}: no loyalty member on the sale`;
  if (final.state === "captured") {
    try {
      const receipt = await register.waitForReceipt(basket.saleId, 30_000);
      if (!receipt.printed) return `${basket.saleId}: receipt not printed`;
    } catch {
      return `${basket.saleId}: no receipt report`;
    }
  }
  return undefined;
}

/**
 * The register's side of a hold (§7.13): once the money is held, the final basket — without its
 * last line, or the one line halved — and the capture of its total. The rest is released.
 */
async function captureLess(
  basket: Basket,
  register: Parts["register"],
  say: (who: string, what: string) => void,
): Promise<string | undefined> {
  try {
    await register.waitForSale(basket.saleId, (m) => m.state === "held", 30_000);
  } catch {
    return `${basket.saleId}: not held within 30 s`;
  }
  say(
    "register",
    `held ${formatAmount({ currency: "NOK", value: basket.total }, "nb")}: nothing captured yet`,
  );
  await pause(2_000);
  const [first] = basket.lines;
  if (first === undefined) return `${basket.saleId}: an empty basket`;
  const lines =
    basket.lines.length > 1 ? basket.lines.slice(0, -1) : [{ ...first, total: Math.ceil(first.total / 2) }];
  const final: Basket = { ...basket, lines, total: lines.reduce((sum, l) => sum + l.total, 0) };
  say("register", `final basket ${formatAmount({ currency: "NOK", value: final.total }, "nb")}: capture it`);
  await register.sell(final);
  const captured = await register.capture(basket.saleId, final.total);
  return "acked" in captured ? undefined : `${basket.saleId}: capture refused ${captured.refused.code}`;
}

/**
 * The register's side of loyalty: when the agent names a member, send the member-priced basket
 * (10 % off) and pay again with its total, inside the member window.
 */
async function memberPrices(
  basket: Basket,
  register: Parts["register"],
  say: (who: string, what: string) => void,
): Promise<void> {
  let identified: SaleMessage;
  try {
    identified = await register.waitForSale(
      basket.saleId,
      (m) => m.member !== undefined || m.state === "payment_requested" || m.final,
      60_000,
    );
  } catch {
    return;
  }
  if (identified.member === undefined || identified.state !== "customer_identified") return;
  const lines = basket.lines.map((l) => {
    const discount = (l.discount ?? 0) + Math.floor(l.total / 10);
    return { ...l, discount, total: l.total - Math.floor(l.total / 10) };
  });
  const memberBasket: Basket = { ...basket, lines, total: lines.reduce((sum, l) => sum + l.total, 0) };
  say(
    "register",
    `member prices: ${formatAmount({ currency: "NOK", value: memberBasket.total }, "nb")} (10 % off), pay again`,
  );
  await register.sell(memberBasket);
  await register.pay(basket.saleId, memberBasket.total);
}

function narrate(dashboard: Dashboard, report: SaleReport): void {
  if (report.type === "receipt") {
    dashboard.say(
      "printer",
      report.printed
        ? `receipt printed${report.copy ? " (COPY)" : ""}`
        : `receipt not printed (${report.error ?? "?"})`,
    );
    return;
  }
  const amount = report.capturedAmount ?? report.amount;
  const money = amount === undefined ? "" : ` ${formatAmount({ currency: "NOK", value: amount }, "nb")}`;
  const member =
    report.member === undefined
      ? ""
      : ` — member ${report.member.id}${report.member.tier ? ` (${report.member.tier})` : ""}`;
  const reason = report.reason === undefined ? "" : ` (${report.reason})`;
  dashboard.say(
    "agent",
    `→ register: ${report.state}${money}${reason}${member}${report.final ? " ✔ final" : ""}`,
  );
}

function seedMember(journalFile: string): void {
  const db = openDatabase(journalFile);
  const now = Date.now();
  new MemberStore(db).write({
    memberId: "M-1001",
    msisdn: CUSTOMER,
    tier: "gold",
    displayName: "Kari",
    enrolledAt: now,
    lastSeenAt: now,
  });
  db.close();
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
