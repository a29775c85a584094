import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../store/database.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { DedupeMemory } from "./dedupe-memory.js";
import { SaleOutbox } from "./sale-outbox.js";

describe("the MQTT link's SQLite tables", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() =>
    cleanups
      .splice(0)
      .reverse()
      .forEach((c) => c()),
  );

  function open(): { file: string; reopen: () => Db } {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const file = join(dir.path, "agent.db");
    return {
      file,
      reopen: () => {
        const db = openDatabase(file);
        cleanups.push(() => db.close());
        return db;
      },
    };
  }

  it("remembers handled events across a restart", () => {
    const store = open();
    const first = store.reopen();
    new DedupeMemory(first).remember("k1", 1);
    first.close();
    const memory = new DedupeMemory(store.reopen());
    expect(memory.has("k1")).toBe(true);
    expect(memory.has("k2")).toBe(false);
  });

  it("keeps only the most recent identities", () => {
    const memory = new DedupeMemory(open().reopen(), 3);
    for (const key of ["a", "b", "c", "d", "e"]) memory.remember(key, 0);
    memory.remember("e", 0); // a repeat changes nothing
    expect(memory.size).toBe(3);
    expect(["a", "b", "c", "d", "e"].map((k) => memory.has(k))).toEqual([false, false, true, true, true]);
  });

  it("keeps the outbox in order across a restart and removes only what it is told", () => {
    const store = open();
    const first = store.reopen();
    const outbox = new SaleOutbox(first);
    expect(outbox.add("e1", "p1", 1)).toBe(true);
    expect(outbox.add("e2", "p2", 2)).toBe(true);
    expect(outbox.add("e1", "p1-again", 3)).toBe(false);
    first.close();

    const again = new SaleOutbox(store.reopen());
    expect(again.pending).toBe(2);
    const head = again.head();
    expect(head).toMatchObject({ eventId: "e1", payload: "p1" });
    again.remove(head?.seq ?? -1);
    expect(again.head()).toMatchObject({ eventId: "e2", payload: "p2" });
    expect(again.pending).toBe(1);
  });
});
