import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { LoadedConfig } from "../config/load.js";
import { startAgent } from "../agent/runtime/agent.js";
import { JOURNAL_FILE } from "../agent/journal/journal-access.js";
import { printerReceipts } from "../agent/runtime/printer-receipts.js";
import { openDatabase } from "../agent/store/database.js";
import { Journal } from "../agent/journal/journal.js";
import { createMemoryCable, type LinkTransport } from "../drivers/register/index.js";
import { silentLogger } from "../lib/log.js";
import { SimBroker } from "./broker.js";
import { checkInvariants, type PrintedReceipt } from "./invariants.js";
import { simMqttLink } from "./mqtt-link.js";
import { Prng } from "./prng.js";
import { SimRegister } from "./register.js";
import { SimPrinter } from "./printer.js";
import { ProcessClock, SimClock } from "./sim-clock.js";
import { faultPlan, type FaultPlan } from "./faults.js";
import { inProcessVipps, type InProcessVipps } from "./vipps-world.js";
import { TILL, WEBHOOK_URL, configTemplate, emptyJournal, scratchRoot } from "./trial-files.js";
import { Crash, swallowCrashes, type Process } from "./sim-process.js";
import { settle } from "./settle.js";
import { vippsExchange, type SimNetwork } from "./vipps-network.js";
import { webhookBridge } from "./webhook-bridge.js";

const START = Date.UTC(2026, 2, 2, 9, 0, 0);
/** After the scenario: no more faults, time to finish every sale (resumes, retries, outbox). */
const SETTLE_MS = 40 * 60_000;

export interface TrialResult {
  readonly seed: number;
  readonly trial: number;
  readonly problems: readonly string[];
  readonly trace: readonly string[];
  readonly crashes: number;
  readonly sales: number;
}

export async function runTrial(seed: number, trial: number, root = scratchRoot()): Promise<TrialResult> {
  swallowCrashes();
  const prng = new Prng(seed, trial);
  const plan: FaultPlan = faultPlan(prng);
  const clock = new SimClock(START);
  const trace: string[] = [];
  const log = (line: string): void => {
    trace.push(`${((clock.now() - START) / 1000).toFixed(3).padStart(9)}s ${line}`);
  };
  const dir = mkdtempSync(join(root, "vopr-"));
  const template = configTemplate(root);
  let crashes = 0;
  let faultsOn = true;
  let proc: Process | undefined;
  let webhooksInTransit = 0;

  const broker = new SimBroker(clock, prng, log);
  const vipps: InProcessVipps = inProcessVipps(
    clock,
    () => prng.next(),
    (size) => prng.bytes(size),
    webhookBridge({ plan, prng, faultsOn: () => faultsOn, log }, clock, broker, (delta) => {
      webhooksInTransit += delta;
    }),
  );
  const unit = vipps.salesUnit;
  const registration = vipps.world.webhooks.register(
    unit.msn,
    WEBHOOK_URL,
    [
      "epayments.payment.authorized.v1",
      "epayments.payment.aborted.v1",
      "epayments.payment.expired.v1",
      "epayments.payment.terminated.v1",
      "epayments.payment.cancelled.v1",
      "epayments.payment.captured.v1",
      "epayments.payment.refunded.v1",
      "epayments.payment.created.v1",
      "user.checked-in.v1",
    ],
    clock.now(),
  );
  if (!registration.ok) throw new Error(`webhook registration: ${registration.reason}`);
  vipps.world.qrs.put(unit.msn, TILL, "Simulated till");
  const loaded: LoadedConfig = {
    ...template,
    config: {
      ...template.config,
      vipps: { ...template.config.vipps, msn: unit.msn, clientId: unit.clientId, currency: unit.currency },
    },
    secrets: {
      ...template.secrets,
      clientSecret: unit.clientSecret,
      subscriptionKey: unit.subscriptionKey,
      webhookSecrets: [registration.registration.secret],
    },
  };

  /** A crash point: the running process may die here (memory gone, only its files remain). */
  const point = (what: string, inTransaction = false): void => {
    const p = proc;
    if (p === undefined || !p.alive || !faultsOn || crashes >= plan.maxCrashes) return;
    if (!prng.chance(plan.crashRate)) return;
    crash(p, what);
    // Inside a transaction the crash must stop the commit; elsewhere the dead process's code may
    // run on, but nothing it does reaches the world (every port checks `alive`).
    if (inTransaction) throw new Crash(`crashed ${what}`);
  };
  const net: SimNetwork = { plan, prng, vipps, faultsOn: () => faultsOn, point, log };

  const cable = createMemoryCable({ clock, reopenDelayMs: 200 });
  const printer = new SimPrinter();
  const printed: PrintedReceipt[] = [];

  const crash = (p: Process, what: string): void => {
    crashes++;
    p.alive = false;
    p.clock.kill();
    log(`CRASH #${crashes} of process ${p.n} ${what}`);
    const next = join(dir, `p${p.n + 1}`);
    mkdirSync(next);
    // What is durable at this instant: the database and its WAL as they are (the -shm index is rebuilt).
    for (const f of [JOURNAL_FILE, `${JOURNAL_FILE}-wal`])
      if (existsSync(join(p.dir, f))) copyFileSync(join(p.dir, f), join(next, f));
    void cable.a.stop();
    const agent = p.agent;
    if (agent !== undefined) void agent.stop().catch(() => undefined);
    const delay = prng.int(plan.restartMinMs, plan.restartMaxMs);
    clock.setTimeout(() => boot(p.n + 1), delay);
  };

  const boot = (n: number): void => {
    const pdir = join(dir, `p${n}`);
    // The first process starts from the empty journal; every later one from its predecessor's files.
    if (n === 1) emptyJournal(root, pdir);
    else mkdirSync(pdir, { recursive: true });
    const pclock = new ProcessClock(clock);
    const p: Process = { n, dir: pdir, clock: pclock, agent: undefined, alive: true };
    proc = p;
    log(`process ${n} starts`);
    const transport: LinkTransport = {
      description: "simulated register cable",
      // A process that died while starting (a crash point in the runner's resume comes before
      // the register link starts) must not take the cable end from its successor.
      start: (events) => {
        if (!p.alive) return;
        cable.a.start({
          onOpen: () => p.alive && events.onOpen(),
          onClose: (reason) => p.alive && events.onClose(reason),
          onData: (bytes) => {
            try {
              if (p.alive) events.onData(bytes);
            } catch (error) {
              if (p.alive) throw error;
            }
          },
        });
      },
      write: (bytes) => {
        point("before a frame to the register");
        return p.alive ? cable.a.write(bytes) : new Promise<void>(() => undefined);
      },
      reopen: (reason) => {
        if (p.alive) cable.a.reopen(reason);
      },
      stop: () => (p.alive ? cable.a.stop() : Promise.resolve()),
    };
    const config = { ...loaded.config, storage: { ...loaded.config.storage, directory: pdir } };
    try {
      p.agent = startAgent(
        { ...loaded, config },
        {
          clock: pclock,
          logger: silentLogger(),
          random: { number: () => prng.next(), bytes: (size) => prng.bytes(size) },
          registerTransport: transport,
          vippsExchange: () => (request) => vippsExchange(net, p, request),
          receipts: printerReceipts(
            printer.forProcess(
              () => p.alive,
              point,
              (r) => printed.push(r),
              log,
            ),
            config,
            pclock,
            silentLogger(),
          ),
          mqtt: (options) =>
            simMqttLink(options, broker, pclock, {
              alive: () => p.alive,
              onSaleEventQueued: () => point("inside the journal transaction (sale event queued)", true),
              onEventRemembered: () =>
                point("inside the journal transaction (webhook event journalled)", true),
              beforeAck: () => point("after the handler journalled, before the PUBACK"),
            }),
        },
      );
    } catch (error) {
      if (!(error instanceof Crash)) throw error;
    }
  };

  const register = new SimRegister(cable.b, clock, prng, plan, vipps, log);
  boot(1);
  register.start();

  const scenarioEnd = START + plan.scenarioMs;
  // Faults that come and go during the scenario.
  for (const f of plan.outages) {
    clock.setTimeout(() => {
      if (!faultsOn) return;
      log(`${f.kind} for ${f.ms} ms`);
      if (f.kind === "broker down") broker.setUp(false);
      if (f.kind === "register unplugged") cable.unplug();
      if (f.kind === "printer out of paper") printer.paperOut = true;
      clock.setTimeout(() => {
        if (f.kind === "broker down") broker.setUp(true);
        if (f.kind === "register unplugged") cable.plug();
        if (f.kind === "printer out of paper") printer.paperOut = false;
        log(`${f.kind}: over`);
      }, f.ms);
    }, f.atMs);
  }
  const fire = (until: number): boolean => {
    try {
      return clock.fireNext(until);
    } catch (error) {
      if (error instanceof Crash) return true;
      throw error;
    }
  };
  while (clock.now() < scenarioEnd && !register.done) {
    fire(scenarioEnd);
    await settle();
  }
  faultsOn = false;
  log("scenario over: faults off, settling");
  broker.setUp(true);
  cable.plug();
  printer.paperOut = false;
  register.stopStarting();
  const settleEnd = clock.now() + SETTLE_MS;
  /**
   * Nothing left that could still move money or tell the register anything: the settle ends
   * there rather than after the whole SETTLE_MS (what remains are the agent's idle heartbeats
   * and screen refreshes). Memory checks first; the journal is asked only when they pass.
   */
  const quiet = (): boolean => {
    const agent = proc?.alive === true ? proc.agent : undefined;
    return (
      agent !== undefined &&
      register.done &&
      webhooksInTransit === 0 &&
      broker.queued === 0 &&
      Object.keys(agent.runner.state.sales).length === 0 &&
      (agent.receipts.state?.().queued ?? 0) === 0 &&
      vipps.world.dispatcher.deliveries().every((d) => d.state !== "pending") &&
      vipps.payments().every((p) => p.state !== "CREATED") &&
      agent.journal.pendingRegisterMessages().length === 0
    );
  };
  while (clock.now() < settleEnd && !quiet()) {
    if (!fire(settleEnd)) break;
    await settle();
  }
  log(quiet() ? "settled: nothing pending" : "settle time over");

  const last = proc;
  const agent = last?.agent;
  let outboxPending = 0;
  let unfinished: string[] = [];
  let heldInMemory: string[] = [];
  let integrity = "no journal";
  if (agent !== undefined && last?.alive === true) {
    outboxPending = agent.journal.pendingRegisterMessages().length;
    heldInMemory = Object.keys(agent.runner.state.sales);
    await agent.stop();
    last.clock.kill();
    const db = openDatabase(join(last.dir, JOURNAL_FILE));
    integrity = (db.pragma("integrity_check", { simple: true }) as string) ?? "?";
    unfinished = Object.keys(new Journal(db).load().sales);
    db.close();
  }
  vipps.close();
  for (const p of vipps.payments())
    log(
      `vipps record: ${p.reference} ${p.state} captured ${p.captured}/${p.amount.value} psp ${p.pspReference}` +
        ` events ${p.events.map((e) => `${e.name}:${e.pspReference.slice(0, 8)}`).join(",")}`,
    );
  const problems = checkInvariants({
    payments: vipps.payments(),
    captureRequests: vipps.captureRequests(),
    sales: register.views(),
    printed,
    outboxPending,
    unfinished,
    heldInMemory,
    integrity,
  });
  rmSync(dir, { recursive: true, force: true });
  return { seed, trial, problems, trace, crashes, sales: register.views().length };
}
