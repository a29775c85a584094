import { join } from "node:path";
import type { LoadedConfig } from "../../config/load.js";
import { systemClock, type Clock } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import { VERSION } from "../../lib/version.js";
import { silentLogger, type Logger } from "../../lib/log.js";
import {
  createRegisterLink,
  createSerialTransport,
  registerLinkOptions,
  serialTransportOptions,
  type LinkTransport,
  type RegisterLink,
} from "../../drivers/register/index.js";
import { paymentEventInput } from "../checkout/io.js";
import { createLoyalty } from "../loyalty/index.js";
import { createMqttLink, type MqttLink, type MqttLinkOptions } from "../mqtt/index.js";
import { identificationOf, type IdentificationStatus } from "./identification.js";
import { Journal } from "../journal/journal.js";
import { pruneJournal, type PruneResult } from "../journal/prune.js";
import { openDatabase, type Db } from "../store/database.js";
import { VippsClient, isVippsError, vippsClientOptions } from "../vipps/index.js";
import { CheckoutRunner } from "./checkout-runner.js";
import type { LightsPort, ReceiptsPort, ScreenPort } from "./ports.js";
import { registerCommandHandler } from "./register-handler.js";
import { LinkRegisterPort } from "./register-port.js";
import { OutboxSaleEvents } from "./sale-events.js";
import { checkoutSettings, openBasketLimits } from "./settings.js";
import { VippsPayments } from "./vipps-payments.js";
import { HealthTrackingPayments, type VippsHealth } from "./vipps-health.js";
import { healthReport } from "./till-health.js";
import type { AgentTrace } from "./trace.js";
import type { RandomBytes } from "../../lib/random-bytes.js";
import type { HttpExchange } from "../vipps/node-http-exchange.js";
import { JOURNAL_FILE } from "../journal/journal-access.js";

export const AGENT_SOFTWARE = `vipps-pos-agent/${VERSION}`;
/** Journal meta key of the till's cached QR text (written by `pos-agent setup` too). */
export const QR_CONTENT_KEY = "qrContent";

/** Hooks the printer queue calls around each receipt (see ReceiptsPort). */
export interface ReceiptHooks {
  starting(saleId: string): void;
  finished(saleId: string, printed: boolean): void;
}

/** Parts that can be replaced: the demo and tests plug in-memory devices and a manual clock. */
export interface AgentParts {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly registerTransport?: LinkTransport;
  readonly screen?: ScreenPort;
  readonly receipts?: (hooks: ReceiptHooks) => ReceiptsPort;
  readonly lights?: LightsPort;
  /** Sees each traced moment (see trace.ts); the benchmark's stopwatch. */
  readonly observe?: (event: AgentTrace) => void;
  /**
   * The deterministic simulation's seams (simulation/, docs/simulation.md); the daemon uses none.
   * `mqtt` builds the MQTT link (an in-process broker behind the real inbound path);
   * `vippsExchange` wraps the Vipps client's HTTP exchange (an in-process Vipps);
   * `random` replaces the system's jitter and register session ids with a seeded source.
   */
  readonly mqtt?: (options: MqttLinkOptions) => MqttLink;
  readonly vippsExchange?: (real: HttpExchange) => HttpExchange;
  readonly random?: { readonly number: () => number; readonly bytes: RandomBytes };
}

export interface RunningAgent {
  readonly runner: CheckoutRunner;
  readonly register: RegisterLink;
  readonly mqtt: MqttLink;
  readonly vipps: VippsClient;
  readonly journal: Journal;
  readonly receipts: ReceiptsPort;
  readonly lights: LightsPort;
  /** The agent's clock (the system clock, or the demo's and tests' manual clock). */
  readonly clock: Clock;
  /** `clock.now()` when the agent started serving. */
  readonly startedAt: number;
  vippsHealth(): VippsHealth;
  /** How the till identifies customers now, and why (status, doctor). */
  identification(): IdentificationStatus;
  /**
   * The daily housekeeping, at once: settled sales and journal rows past
   * config.storage.retentionDays, in small steps between which sales go on (journal/prune.ts),
   * then loyalty members not seen for loyalty.retentionDays.
   */
  prune(): Promise<PruneResult & { members: number }>;
  /** For the systemd watchdog: the journal answers and the checkout runs. */
  healthy(): { healthy: boolean; reason?: string };
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;
const NO_SCREEN: ScreenPort = { show: () => Promise.resolve() };
const NO_LIGHTS: LightsPort = { show: () => undefined, beep: () => undefined };
const NO_PRINTER = (): ReceiptsPort => ({ configured: false, enqueue: () => undefined });

/**
 * The composition root: builds every part from the config, resumes the journal, and connects
 * the links. Returns once the agent is serving (links keep connecting in the background).
 */
export function startAgent(loaded: LoadedConfig, parts: AgentParts = {}): RunningAgent {
  const { config, secrets } = loaded;
  const clock = parts.clock ?? systemClock;
  const logger = (parts.logger ?? silentLogger()).child({ till: config.till.id });
  const shutdown = new AbortController();

  const db: Db = openDatabase(join(config.storage.directory, JOURNAL_FILE));
  const journal = new Journal(db);
  const vipps = new VippsClient(
    vippsClientOptions(loaded, {
      clock,
      logger: logger.child({ module: "vipps" }),
      signal: shutdown.signal,
      ...(parts.random === undefined ? {} : { random: parts.random.number }),
      ...(parts.vippsExchange === undefined ? {} : { exchange: parts.vippsExchange }),
    }),
  );

  // The agent as returned below, for the health report the MQTT link asks for once connected.
  let running: RunningAgent | undefined = undefined;
  // Created after the runner (its handler delivers to the runner); read through this getter.
  let link: RegisterLink | undefined = undefined;
  const registerLink = (): RegisterLink => {
    if (link === undefined) throw new Error("register link used before it exists");
    return link;
  };
  const mqtt = (parts.mqtt ?? createMqttLink)({
    config,
    secrets,
    db,
    clock,
    logger: logger.child({ module: "mqtt" }),
    // Asked only once connected, long after `running` below exists.
    health: () =>
      running === undefined
        ? { links: {}, degraded: ["starting"] }
        : healthReport(running, config, journal.meta(QR_CONTENT_KEY) !== undefined),
  });

  const identification = (): IdentificationStatus =>
    identificationOf(config.checkout.identification, mqtt.state === "connected", mqtt.bridgesOnline);

  const hooks: ReceiptHooks = {
    starting: (saleId) => runner.receiptStarting(saleId),
    finished: (saleId, printed) => runner.receiptFinished(saleId, printed),
  };
  const loyalty =
    config.loyalty.mode === "off"
      ? undefined
      : createLoyalty({ config, secrets, db, vipps, clock, logger: logger.child({ module: "loyalty" }) });
  const receipts = (parts.receipts ?? NO_PRINTER)(hooks);
  const lights = parts.lights ?? NO_LIGHTS;
  const screen = parts.screen ?? NO_SCREEN;
  const qrContent = journal.meta(QR_CONTENT_KEY);
  const observe = parts.observe ?? ((): void => undefined);
  const payments = new HealthTrackingPayments(new VippsPayments(vipps), observe);
  const registerLogger = logger.child({ module: "register" });
  const registerPort = new LinkRegisterPort(registerLink, registerLogger, observe);
  const runner: CheckoutRunner = new CheckoutRunner({
    settings: checkoutSettings(config),
    basketLimits: openBasketLimits(config),
    journal,
    payments,
    register: registerPort,
    receipts,
    screen,
    lights,
    saleEvents: new OutboxSaleEvents((event) => mqtt.publishSaleEvent(event)),
    ...(loyalty === undefined ? {} : { loyalty }),
    clock,
    logger: logger.child({ module: "checkout" }),
    ...(qrContent === undefined ? {} : { qrContent }),
    identification: () => identification().current,
    onChange: () => mqtt.healthChanged(),
  });
  mqtt.onStateChange(() => runner.identificationChanged());
  mqtt.onBridgesChange(() => runner.identificationChanged());

  link = createRegisterLink({
    transport:
      parts.registerTransport ??
      createSerialTransport({ ...serialTransportOptions(config.register), logger: registerLogger }),
    ...registerLinkOptions(config.register),
    tillId: config.till.id,
    software: AGENT_SOFTWARE,
    clock,
    logger: registerLogger,
    handler: registerCommandHandler(runner, registerLink, registerLogger, {
      db,
      clock,
      till: { id: config.till.id, currency: config.vipps.currency },
      retentionDays: config.storage.retentionDays,
    }),
    ...(parts.random === undefined ? {} : { randomBytes: parts.random.bytes }),
  });
  link.onStateChange((state) => {
    if (state === "up") runner.onRegisterUp();
    else runner.onRegisterDown();
  });

  mqtt.onCheckIn((c, remember) => {
    observe({ kind: "checkin", at: performance.now() });
    const checkIn = { customerToken: c.customerToken, initiatedAt: c.initiatedAt };
    runner.handle({ type: "checkin", checkIn }, remember);
  });
  mqtt.onPaymentEvent((e, remember) => {
    observe({ kind: "payment_event", name: e.name, reference: e.reference, at: performance.now() });
    runner.handle({ type: "payment_event", event: paymentEventInput(e) }, remember);
  });

  lights.onButton?.((action) =>
    action === "reprint" ? runner.technician.reprint() : runner.technician.cancelActive(),
  );

  // Housekeeping once a day: settled sales past retention, members not seen for too long.
  const prune = async (): Promise<PruneResult & { members: number }> => {
    const olderThan = clock.now() - config.storage.retentionDays * DAY_MS;
    const journalled = await pruneJournal(journal, olderThan, clock, { signal: shutdown.signal });
    const members = shutdown.signal.aborted ? 0 : (loyalty?.prune() ?? 0);
    if (journalled.sales + journalled.rows + members > 0)
      logger.info({ ...journalled, members }, "pruned data past retention");
    return { ...journalled, members };
  };
  let pruneTimer = clock.setTimeout(function again() {
    prune().catch((error: unknown) => logger.error({ err: errorMessage(error) }, "prune failed"));
    pruneTimer = clock.setTimeout(again, DAY_MS);
  }, 60_000);

  runner.start();
  link.start();
  mqtt.start();
  if (qrContent === undefined) void fetchQrContent(vipps, journal, runner, config.till.id, logger);
  void fetchAccessToken(vipps, shutdown.signal, logger);
  const startedAt = clock.now();
  // Asked every watchdog period: one statement for the daemon's life (see statementCache).
  const journalAlive = db.prepare("SELECT 1");

  running = {
    runner,
    register: link,
    mqtt,
    vipps,
    journal,
    receipts,
    lights,
    clock,
    startedAt,
    vippsHealth: () => payments.health,
    identification,
    prune,
    healthy() {
      try {
        journalAlive.get();
        return { healthy: true };
      } catch (error) {
        return { healthy: false, reason: `journal: ${errorMessage(error)}` };
      }
    },
    async stop() {
      clock.clearTimeout(pruneTimer);
      loyalty?.close();
      // Abort requests in flight first (their retries could take long); the journal has them.
      shutdown.abort(new Error("agent stopping"));
      await runner.stop();
      await Promise.allSettled([
        registerLink().stop(),
        mqtt.stop(),
        receipts.close?.(),
        screen.close?.(),
        lights.close?.(),
      ]);
      vipps.close();
      db.close();
    },
  };
  return running;
}

/**
 * At start, so the first customer does not wait for a token round trip, and rejected
 * credentials show in the log at boot rather than at the first sale. Payments fetch it again
 * when this fails.
 */
async function fetchAccessToken(vipps: VippsClient, shutdown: AbortSignal, logger: Logger): Promise<void> {
  try {
    await vipps.verifyCredentials();
  } catch (error) {
    if (!shutdown.aborted)
      logger.warn({ err: errorMessage(error) }, "no access token from Vipps yet; each payment asks again");
  }
}

/** The till was never set up on this journal: read its QR text from Vipps (it exists if `setup` ran). */
async function fetchQrContent(
  vipps: VippsClient,
  journal: Journal,
  runner: CheckoutRunner,
  tillId: string,
  logger: Logger,
): Promise<void> {
  try {
    const qr = await vipps.qr.getMerchantCallback(tillId);
    journal.setMetaValue(QR_CONTENT_KEY, qr.qrContent);
    runner.view.setQrContent(qr.qrContent);
  } catch (error) {
    const hint = isVippsError(error, "VIPPS_NOT_FOUND")
      ? "the till has no QR yet: run `pos-agent setup`"
      : errorMessage(error);
    logger.warn({ tillId, err: hint }, "the till's QR is unknown; the display shows out of service");
  }
}
