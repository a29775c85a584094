import { join } from "node:path";
import { Writable } from "node:stream";
import { expect, vi } from "vitest";
import type { ConfigInput } from "../../config/schema.js";
import { configSchema } from "../../config/schema.js";
import { createLogger, type Logger } from "../../lib/log.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { createLoyalty, type LoyaltyService } from "../../agent/loyalty/index.js";
import { openDatabase, type Db } from "../../agent/store/database.js";
import { VippsClient } from "../../agent/vipps/index.js";
import { startVippsSimulator, type SalesUnit, type VippsSimulator } from "../../sim/vipps/index.js";
import { tempDir } from "./temp-dir.js";

/**
 * agent/loyalty over the Vipps simulator on real HTTP: one ManualClock for the simulator, the
 * Vipps client and the loyalty port; a real SQLite file; a captured trace-level log of both the
 * client and the port (for "nothing personal in logs"). Customers only act when the test says.
 *
 * Every Vipps call in flight holds its attempt timeout on that clock; the rig counts them at
 * the client's exchange, so "something sleeps" means a timer besides those (a poll interval,
 * the simulator's latency), and moving the clock never times out a call by accident.
 */
const TILL = "kasse1";

export interface LoyaltyRig {
  readonly sim: VippsSimulator;
  readonly clock: ManualClock;
  readonly unit: SalesUnit;
  readonly client: VippsClient;
  readonly db: Db;
  readonly logger: Logger;
  /** Everything logged so far (NDJSON). */
  logText(): string;
  /** A port with the `loyalty` section (over the defaults: mode enroll, builtin). Closed by `close`. */
  loyalty(
    section?: NonNullable<ConfigInput["loyalty"]>,
    extra?: { secrets?: { loyaltyHttpToken?: string }; clock?: ManualClock },
  ): LoyaltyService;
  /** The customer scans the till's QR; returns the customer token of the check-in. */
  scan(msisdn: string): string;
  /** Vipps calls handed to the network and not settled yet (each holds its attempt timeout). */
  attemptsInFlight(): number;
  /** Waits until something sleeps on the clock (a poll interval), then moves time by `ms`. */
  advanceWhenWaiting(ms: number): Promise<void>;
  /**
   * Waits until something besides the Vipps attempt timeouts sleeps on the clock: after a
   * poll, the poller is waiting for its next turn; or the simulator holds a request.
   */
  whenWaiting(): Promise<void>;
  /** Moves the clock in `stepMs` steps whenever something sleeps on it, until `work` settles. */
  drive<T>(work: Promise<T>, stepMs: number): Promise<T>;
  /** The simulator's latest login request (to approve, decline or inspect). */
  latestLogin(): ReturnType<VippsSimulator["control"]["logins"]>[number];
  close(): Promise<void>;
}

export async function startLoyaltyRig(): Promise<LoyaltyRig> {
  const clock = new ManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  const sim = await startVippsSimulator({
    clock,
    random: () => 0.5,
    defaultBehaviour: { payment: { action: "ignore" }, login: { action: "ignore" } },
  });
  const unit = sim.salesUnits[0];
  if (unit === undefined) throw new Error("the simulator has no sales unit");
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString("utf8"));
      callback();
    },
  });
  const logger = createLogger({ destination, level: "trace" });
  let inFlight = 0;
  const client = new VippsClient({
    baseUrl: sim.url,
    clientId: unit.clientId,
    clientSecret: unit.clientSecret,
    subscriptionKey: unit.subscriptionKey,
    msn: unit.msn,
    system: { name: "vipps-pos-agent", version: "0.1.0" },
    timeoutMs: 10_000,
    maxRetries: 0,
    clock,
    random: () => 0.5,
    logger,
    exchange: (real) => async (request) => {
      inFlight++;
      try {
        return await real(request);
      } finally {
        inFlight--;
      }
    },
  });
  await client.qr.putMerchantCallback(TILL, { locationDescription: "Kasse 1" });
  const dir = tempDir("loyalty-rig-");
  const db = openDatabase(join(dir.path, "journal.db"));
  const services: LoyaltyService[] = [];
  const sleeping = (): boolean => clock.pending > inFlight;
  const whenWaiting = async (): Promise<void> => {
    await vi.waitFor(() => expect(sleeping()).toBe(true), { timeout: 15_000, interval: 5 });
  };
  return {
    sim,
    clock,
    unit,
    client,
    db,
    logger,
    logText: () => chunks.join(""),
    attemptsInFlight: () => inFlight,
    loyalty(section = {}, extra = {}) {
      const loyalty = configSchema.shape.loyalty.parse({ mode: "enroll", ...section });
      const service = createLoyalty({
        config: { loyalty },
        secrets: extra.secrets ?? {},
        db,
        vipps: client,
        clock: extra.clock ?? clock,
        logger,
      });
      services.push(service);
      return service;
    },
    scan: (msisdn) => sim.control.scan({ msisdn, msn: unit.msn, merchantQrId: TILL }).customerToken,
    async advanceWhenWaiting(ms) {
      await whenWaiting();
      clock.advance(ms);
    },
    whenWaiting,
    async drive(work, stepMs) {
      let settled = false;
      const watched = work.finally(() => {
        settled = true;
      });
      while (!settled) {
        await vi.waitFor(() => expect(settled || sleeping()).toBe(true), {
          timeout: 15_000,
          interval: 5,
        });
        if (!settled) clock.advance(stepMs);
      }
      return watched;
    },
    latestLogin() {
      const logins = sim.control.logins();
      const last = logins[logins.length - 1];
      if (last === undefined) throw new Error("no login request at the simulator");
      return last;
    },
    async close() {
      for (const service of services) service.close();
      db.close();
      await sim.close();
      dir.cleanup();
    },
  };
}
