import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import { silentLogger } from "../../lib/log.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { openDatabase, type Db } from "../store/database.js";
import { Journal } from "../journal/journal.js";
import { basket, SETTINGS } from "../checkout/testing/harness.js";
import { step } from "../checkout/machine.js";
import { EMPTY_TILL, type TillState } from "../checkout/till.js";
import type { Input } from "../checkout/io.js";
import { InFlight } from "./in-flight.js";
import { RegisterOutbox } from "./register-outbox.js";
import { RecordingRegister } from "./testing/fakes.js";

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe("RegisterOutbox (real SQLite journal, recording register)", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let journal: Journal;
  let till: TillState;
  let register: RecordingRegister;
  let inFlight: InFlight;
  let outbox: RegisterOutbox;
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 12));

  /** Journals an input the way the runner does, so the journal holds real final states. */
  function journalled(input: Input): void {
    const t = step(till, input, clock.now(), SETTINGS);
    journal.record(input, t, clock.now(), () => undefined);
    till = t.till;
  }
  const cancelled = (saleId: string): void => {
    journalled({ type: "basket", basket: basket(saleId) });
    journalled({ type: "cancel", saleId });
  };

  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(join(dir.path, "journal.db"));
    journal = new Journal(db);
    till = EMPTY_TILL;
    register = new RecordingRegister();
    inFlight = new InFlight(silentLogger());
    outbox = new RegisterOutbox({ journal, register, clock, logger: silentLogger(), inFlight });
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  it("sends the journalled finals oldest first, each once, and marks them done", async () => {
    cancelled("S1");
    cancelled("S2");
    outbox.flush();
    await settle();
    expect(register.finals.map((f) => f.saleId)).toEqual(["S1", "S2"]);
    expect(journal.pendingRegisterMessages()).toEqual([]);
    outbox.flush();
    await settle();
    expect(register.finals).toHaveLength(2);
  });

  it("sends nothing while the register is down; keeps what was not acked for the next flush", async () => {
    cancelled("S1");
    register.isUp = false;
    outbox.flush();
    await settle();
    register.isUp = true;
    register.ackFinals = false;
    outbox.flush();
    await settle();
    expect(register.finals).toEqual([]);
    expect(journal.pendingRegisterMessages()).toHaveLength(1);
    register.ackFinals = true;
    outbox.flush();
    await settle();
    expect(register.finals.map((f) => f.saleId)).toEqual(["S1"]);
  });

  it("a final journalled while a flush is sending goes out in the same flush", async () => {
    cancelled("S1");
    outbox.flush();
    cancelled("S2"); // while S1 waits for its ack
    outbox.flush(); // already flushing: nothing new starts
    await settle();
    expect(register.finals.map((f) => f.saleId)).toEqual(["S1", "S2"]);
  });

  it("sends nothing once the runner stopped", async () => {
    cancelled("S1");
    await inFlight.stop();
    outbox.flush();
    await settle();
    expect(register.finals).toEqual([]);
    expect(journal.pendingRegisterMessages()).toHaveLength(1);
  });
});
