import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { openDatabase, type Db } from "../store/database.js";
import { isLoyaltyError } from "./errors.js";
import { importMembers, MAX_LISTED_PROBLEMS } from "./member-import.js";
import { MemberStore } from "./member-store.js";
import { memberCsvLine, membersCsvHeader } from "./members-csv.js";

/** The built-in members table on a real SQLite file, and CSV import/export through it. */
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
let dir: ReturnType<typeof tempDir>;
let db: Db;
let store: MemberStore;

beforeEach(() => {
  dir = tempDir("loyalty-store-");
  db = openDatabase(join(dir.path, "journal.db"));
  store = new MemberStore(db);
});
afterEach(() => {
  db.close();
  dir.cleanup();
});

const enrollment = (msisdn: string, sub: string, now = T0) => ({
  msisdn,
  sub,
  claims: { given_name: "Kari" },
  displayName: "Kari",
  consentedAt: now - 1000,
  now,
});

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("MemberStore", () => {
  it("migrates once and keeps members across reopening", () => {
    const m = store.enroll(enrollment("4791234567", "sub-a"));
    db.close();
    db = openDatabase(join(dir.path, "journal.db"));
    store = new MemberStore(db);
    expect(store.findByMsisdn("4791234567")).toEqual(m);
    expect(db.prepare("SELECT version FROM schema_migrations WHERE namespace = 'loyalty'").all()).toEqual([
      { version: 1 },
    ]);
  });

  it("enrolls a new member with a generated id, the sub, the consented claims and the consent time", () => {
    const m = store.enroll(enrollment("4791234567", "sub-a"));
    expect(m).toEqual({
      memberId: expect.stringMatching(/^M[0-9A-Z]{10}$/) as unknown,
      msisdn: "4791234567",
      sub: "sub-a",
      displayName: "Kari",
      claims: { given_name: "Kari" },
      enrolledAt: T0,
      consentedAt: T0 - 1000,
      lastSeenAt: T0,
    });
  });

  it("moves a known sub to its new number, and attaches a sub to an imported member", () => {
    const a = store.enroll(enrollment("4791234567", "sub-a"));
    const moved = store.enroll(enrollment("4799999999", "sub-a", T0 + DAY));
    expect(moved.memberId).toBe(a.memberId);
    expect(store.findByMsisdn("4791234567")).toBeUndefined();
    expect(moved).toMatchObject({ msisdn: "4799999999", enrolledAt: T0, lastSeenAt: T0 + DAY });

    importMembers(store, ["msisdn,member_id,tier\n4540112233,SHOP-7,Gull\n"], { now: T0 });
    const attached = store.enroll(enrollment("4540112233", "sub-b"));
    expect(attached).toMatchObject({ memberId: "SHOP-7", tier: "Gull", sub: "sub-b" });
  });

  it("refuses an enrollment that would give two members one number or one login, changing nothing", () => {
    store.enroll(enrollment("4791234567", "sub-a"));
    store.enroll(enrollment("4791234568", "sub-b"));
    expect(
      isLoyaltyError(
        thrown(() => store.enroll(enrollment("4791234568", "sub-a"))),
        "LOYALTY_CONFLICT",
      ),
    ).toBe(true);
    expect(
      isLoyaltyError(
        thrown(() => store.enroll(enrollment("4791234567", "sub-c"))),
        "LOYALTY_CONFLICT",
      ),
    ).toBe(true);
    expect(store.findBySub("sub-a")?.msisdn).toBe("4791234567");
    expect(store.count()).toBe(2);
  });

  it("forgets by number or id, once (idempotent)", () => {
    const a = store.enroll(enrollment("4791234567", "sub-a"));
    const b = store.enroll(enrollment("4791234568", "sub-b"));
    expect(store.forgetByMsisdn("4791234567")?.memberId).toBe(a.memberId);
    expect(store.forgetByMsisdn("4791234567")).toBeUndefined();
    expect(store.forgetById(b.memberId)?.msisdn).toBe("4791234568");
    expect(store.forgetById(b.memberId)).toBeUndefined();
    expect(store.count()).toBe(0);
  });

  it("prunes members not seen for the retention period; being seen restarts the period", () => {
    const old = store.enroll(enrollment("4791234567", "sub-a", T0));
    const seen = store.enroll(enrollment("4791234568", "sub-b", T0));
    store.enroll(enrollment("4791234569", "sub-c", T0 + 20 * DAY));
    store.markSeen(seen.memberId, T0 + 15 * DAY);
    store.markSeen(seen.memberId, T0 + 5 * DAY); // never moves back
    expect(store.prune(T0 + 30 * DAY, 30)).toBe(0);
    expect(store.prune(T0 + 30 * DAY + 1, 30)).toBe(1);
    expect(store.findById(old.memberId)).toBeUndefined();
    expect(store.prune(T0 + 45 * DAY + 1, 30)).toBe(1);
    expect(store.count()).toBe(1);
  });
});

describe("importMembers", () => {
  const csv = [
    "member_id,msisdn,tier,display_name,sub,enrolled_at,consented_at,last_seen_at,claims",
    'K-1,4791234567,Gull,Åse,,2025-05-17T10:00:00.000Z,,2026-01-02T00:00:00.000Z,"{""name"":""Åse Ærlig"",""given_name"":""Åse""}"',
    ",4540112233,Sølv,Søren,,,,,",
    ",358401234567,,Päivi,,,,,",
  ].join("\r\n");

  it("imports a file, and an export of the store imports back unchanged (æøå, JSON claims)", () => {
    expect(importMembers(store, [csv], { now: T0 })).toEqual({
      added: 3,
      updated: 0,
      skippedRows: 0,
      problems: [],
      problemCount: 0,
    });
    const exported = membersCsvHeader() + [...store.all()].map(memberCsvLine).join("");
    expect(exported).toContain("Åse Ærlig");
    expect(store.findByMsisdn("4540112233")).toMatchObject({
      displayName: "Søren",
      tier: "Sølv",
      enrolledAt: T0,
      lastSeenAt: T0,
    });

    const before = [...store.all()];
    // Into a fresh store: the same members.
    const otherDb = openDatabase(join(dir.path, "other.db"));
    const other = new MemberStore(otherDb);
    expect(importMembers(other, [exported], { now: T0 + DAY })).toEqual({
      added: 3,
      updated: 0,
      skippedRows: 0,
      problems: [],
      problemCount: 0,
    });
    expect([...other.all()]).toEqual(before);
    otherDb.close();
    // Into the same store: every member updated, nothing changed.
    expect(importMembers(store, [exported], { now: T0 + DAY })).toEqual({
      added: 0,
      updated: 3,
      skippedRows: 0,
      problems: [],
      problemCount: 0,
    });
    expect([...store.all()]).toEqual(before);
  });

  it("updates by phone number: the file's columns replace values, absent columns keep theirs", () => {
    importMembers(store, [csv], { now: T0 });
    importMembers(store, ["msisdn,tier\n4791234567,Platina\n4540112233,\n"], {
      now: T0 + DAY,
    });
    expect(store.findByMsisdn("4791234567")).toMatchObject({
      memberId: "K-1",
      tier: "Platina",
      displayName: "Åse",
      lastSeenAt: Date.UTC(2026, 0, 2),
    });
    expect(store.findByMsisdn("4540112233")?.tier).toBeUndefined();
    expect(store.findByMsisdn("4540112233")?.displayName).toBe("Søren");
  });

  it("imports nothing when any row is bad, and lists every problem with its line", () => {
    store.enroll(enrollment("4799999999", "sub-z"));
    const bad =
      "msisdn,member_id,sub\n4791234567,,\n123,,\n4791234568,K-1,\n4791234569,,sub-z\n4799999999,OTHER,\n";
    importMembers(store, ["msisdn,member_id\n4700000001,K-1\n"], { now: T0 });
    const error = thrown(() => importMembers(store, [bad], { now: T0 }));
    expect(isLoyaltyError(error, "LOYALTY_CSV_INVALID")).toBe(true);
    expect((error as { details: { problems: unknown } }).details.problems).toEqual([
      { line: 3, problem: expect.stringMatching(/^msisdn: expected a phone number/) as unknown },
      { line: 4, problem: "member_id: already used by a member with another phone number" },
      { line: 5, problem: "sub: already belongs to a member with another phone number" },
      {
        line: 6,
        problem: expect.stringMatching(/^member_id: this phone number is already member M/) as unknown,
      },
    ]);
    expect(store.findByMsisdn("4791234567")).toBeUndefined();
    expect(store.count()).toBe(2);
  });

  it("with skipInvalid imports the good rows and reports the skipped ones", () => {
    const report = importMembers(store, ["msisdn,tier\n4791234567,Gull\nnope,\n4791234568,\n"], {
      now: T0,
      skipInvalid: true,
    });
    expect(report).toEqual({
      added: 2,
      updated: 0,
      skippedRows: 1,
      problems: [{ line: 3, problem: expect.stringMatching(/^msisdn:/) as unknown }],
      problemCount: 1,
    });
    expect(store.count()).toBe(2);
  });

  it("a dry run reports like an import and changes nothing", () => {
    expect(importMembers(store, [csv], { now: T0, dryRun: true })).toEqual({
      added: 3,
      updated: 0,
      skippedRows: 0,
      problems: [],
      problemCount: 0,
    });
    expect(store.count()).toBe(0);
    store.enroll(enrollment("4791234567", "sub-a"));
    store.enroll(enrollment("4791234568", "sub-b"));
    // The two rows swap their subs: refused (checked against the members as they are), in a dry run too.
    const swap = "msisdn,sub\n4791234567,sub-b\n4791234568,sub-a\n";
    for (const dryRun of [true, false]) {
      const error = thrown(() => importMembers(store, [swap], { now: T0, dryRun }));
      expect(isLoyaltyError(error, "LOYALTY_CSV_INVALID")).toBe(true);
    }
    expect(store.findByMsisdn("4791234567")?.sub).toBe("sub-a");
  });

  it("catches a file naming a phone number, member id or sub twice, with the first line", () => {
    const csv = "msisdn,member_id,sub\n4791234567,K-1,s-1\n4791234567,,\n4791234568,K-1,\n4791234569,,s-1\n";
    const error = thrown(() => importMembers(store, [csv], { now: T0 }));
    expect((error as { details: unknown }).details).toEqual({
      problems: [
        { line: 3, problem: "msisdn: the same value is on line 2" },
        { line: 4, problem: "member_id: the same value is on line 2" },
        { line: 5, problem: "sub: the same value is on line 2" },
      ],
      problemCount: 3,
      skippedRows: 3,
    });
    expect(store.count()).toBe(0);
  });

  it("reads the file as it comes: the same result whatever pieces the text arrives in", () => {
    const pieces = csv.match(/[^]{1,7}/g) ?? [];
    expect(pieces.length).toBeGreaterThan(30);
    expect(importMembers(store, pieces, { now: T0 })).toMatchObject({ added: 3, problemCount: 0 });
    expect(store.findByMsisdn("4791234567")?.claims).toEqual({ name: "Åse Ærlig", given_name: "Åse" });
  });

  it("lists the first problems and counts them all", () => {
    const bad = Array.from({ length: MAX_LISTED_PROBLEMS + 5 }, (_, i) => `x${i}`).join("\n");
    const report = importMembers(store, [`msisdn\n4791234567\n${bad}\n`], { now: T0, skipInvalid: true });
    expect(report).toMatchObject({ added: 1, skippedRows: MAX_LISTED_PROBLEMS + 5 });
    expect(report.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(report.problemCount).toBe(MAX_LISTED_PROBLEMS + 5);
  });

  it("refuses the whole file when a member changed between the check and the write", () => {
    const stage = store.stage();
    stage.add({ memberId: "K-1", msisdn: "4791234567", sub: "s-1", enrolledAt: T0, lastSeenAt: T0 }, 2, true);
    // The agent, on its own connection, enrolls someone with that sub meanwhile.
    const agentDb = openDatabase(join(dir.path, "journal.db"));
    new MemberStore(agentDb).enroll(enrollment("4799999999", "s-1"));
    agentDb.close();
    const error = thrown(() => stage.apply());
    stage.close();
    expect(isLoyaltyError(error, "LOYALTY_CONFLICT")).toBe(true);
    expect(store.findByMsisdn("4791234567")).toBeUndefined();
    expect(store.count()).toBe(1);
  });
});
