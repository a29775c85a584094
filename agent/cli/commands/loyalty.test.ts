import { chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { runCli, type CliResult } from "../../../test/helpers/cli.js";
import { runOnTerminal, TERMINAL_CONTROLS } from "../../../test/helpers/terminal-run.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { EXIT } from "../../../lib/exit-codes.js";

/** The built `pos-agent loyalty …` as a technician runs it, on a real SQLite journal in a temp dir. Each run spawns node: generous timeouts for a loaded machine. */
let dir: ReturnType<typeof tempDir>;
let config: string;

beforeEach(() => {
  dir = tempDir("loyalty-cli-");
  mkdirSync(join(dir.path, "state"));
  config = join(dir.path, "pos-agent.yaml");
  writeFileSync(
    config,
    [
      'vipps: { clientId: x, msn: "123456", currency: NOK, webhookUrl: "https://bridge.example.com/vipps" }',
      "till: { id: kasse1, locationDescription: Kasse 1 }",
      'mqtt: { url: "mqtt://127.0.0.1:1883" }',
      "storage: { directory: state }",
      "loyalty: { mode: enroll, retentionDays: 30 }",
      "",
    ].join("\n"),
  );
});
afterEach(() => dir.cleanup());

const loyalty = (args: string[], input?: string): Promise<CliResult> =>
  runCli(["loyalty", ...args, "--config", config], input === undefined ? {} : { input });
const count = async (): Promise<number> => Number((await loyalty(["list", "--count"])).stdout.trim());

const MEMBERS_SEMICOLON = [
  "msisdn;display_name;tier;member_id",
  "+47 912 34 567;Åse;Gull;K-1",
  "0045 40 11 22 33;Søren;;",
  '4798765432;"Bjørn; Ærlig";Sølv;',
].join("\r\n");

describe("pos-agent loyalty import / export / list", { timeout: 90_000 }, () => {
  it("imports a semicolon CSV with æøå, lists masked numbers, and exports what re-imports unchanged", async () => {
    const imported = await loyalty(["import", "-"], MEMBERS_SEMICOLON);
    expect(imported.stdout).toBe("✓ imported 3 member(s) from stdin (3 new, 0 updated)\n");
    expect(imported.code).toBe(EXIT.OK);

    const list = await loyalty(["list"]);
    expect(list.stdout).toMatch(/^K-1\s+Gull\s+\*{8}67\s/m);
    expect(list.stdout).toContain("3 member(s)");
    expect(list.stdout).not.toMatch(/4791234567|4540112233|4798765432/);

    const exported = await loyalty(["export"]);
    expect(exported.code).toBe(EXIT.OK);
    const lines = exported.stdout.split("\r\n");
    expect(lines[0]).toBe(
      "member_id,msisdn,tier,display_name,sub,enrolled_at,consented_at,last_seen_at,claims",
    );
    expect(lines[1]).toMatch(/^K-1,4791234567,Gull,Åse,,\d{4}-\d\d-\d\dT[\d:.]+Z,,\d{4}-.+Z,$/);
    expect(exported.stdout).toContain(",4798765432,Sølv,Bjørn; Ærlig,");

    const again = await loyalty(["import", "-"], exported.stdout);
    expect(again.stdout).toBe("✓ imported 3 member(s) from stdin (0 new, 3 updated)\n");
    expect((await loyalty(["export"])).stdout).toBe(exported.stdout);
  });

  it("writes an export file 0600 and never replaces one without --force", async () => {
    await loyalty(["import", "-"], MEMBERS_SEMICOLON);
    const file = join(dir.path, "members.csv");
    const first = await loyalty(["export", file]);
    expect(first.stdout).toBe(`✓ exported 3 member(s) to ${file} (mode 0600: it holds phone numbers)\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toContain("Søren");

    writeFileSync(file, "keep me");
    const refused = await loyalty(["export", file]);
    expect(refused.code).toBe(EXIT.FAILURE);
    expect(refused.stderr).toContain("exists; use --force");
    expect(readFileSync(file, "utf8")).toBe("keep me");
    expect((await loyalty(["export", file, "--force"])).code).toBe(EXIT.OK);
    expect(readFileSync(file, "utf8")).toContain("Søren");
    expect(readdirSync(dir.path).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("imports nothing from a file with bad rows and lists every one; --dry-run and --skip-invalid", async () => {
    const file = join(dir.path, "bad.csv");
    writeFileSync(
      file,
      [
        "msisdn,tier",
        "4791234567,Gull",
        "91234567,",
        `4791234568,${"x".repeat(33)}`,
        "4791234567,Sølv",
        "4791234569,",
      ].join("\n"),
    );
    const refused = await loyalty(["import", file]);
    expect(refused.code).toBe(EXIT.FAILURE);
    expect(refused.stderr.split("\n")).toEqual([
      `✗ ${file}: 3 problem(s) in 3 row(s); nothing was imported (fix them, or use --skip-invalid to import the good rows)`,
      "  line 3: msisdn: expected a phone number with its country code, 10–15 digits (e.g. +47 and the eight-digit number)",
      "  line 4: tier: at most 32 characters",
      "  line 5: msisdn: the same value is on line 2",
      "",
    ]);
    expect(await count()).toBe(0);

    const dry = await loyalty(["import", file, "--dry-run", "--skip-invalid"]);
    expect(dry.stdout).toBe(
      `✓ ${file}: 2 member(s) would be imported (2 new, 0 updated), 3 bad row(s) skipped; dry run, nothing changed\n`,
    );
    expect(await count()).toBe(0);

    const skipping = await loyalty(["import", file, "--skip-invalid"]);
    expect(skipping.code).toBe(EXIT.OK);
    expect(skipping.stdout).toBe(
      `✓ imported 2 member(s) from ${file} (2 new, 0 updated), 3 bad row(s) skipped\n`,
    );
    expect(skipping.stderr).toContain("3 row(s) skipped, with 3 problem(s):\n  line 3: msisdn:");
    expect(await count()).toBe(2);
  });

  it("--skip-invalid with a broken quote skips that row only, and says so truthfully", async () => {
    const file = join(dir.path, "quotes.csv");
    writeFileSync(
      file,
      [
        "msisdn,display_name",
        "4791234567,Åse",
        '4791234568,"Kari',
        "4791234569,Ola",
        '4791234570,Pe"r',
        "4791234571,Siv",
      ].join("\n"),
    );
    const result = await loyalty(["import", file, "--skip-invalid"]);
    expect(result.code).toBe(EXIT.OK);
    expect(result.stdout).toBe(
      `✓ imported 3 member(s) from ${file} (3 new, 0 updated), 2 bad row(s) skipped\n`,
    );
    expect(result.stderr.split("\n")).toEqual([
      "2 row(s) skipped, with 2 problem(s):",
      '  line 3: an unbalanced quote? a field quoted on this line runs on to line 5, where: text after a closing quote (a quote inside a field must be doubled: "")',
      "  line 5: a quote inside an unquoted field (quote the whole field and double the quote)",
      "",
    ]);
    expect(await count()).toBe(3);
  });

  it("exports formula cells neutralised (OWASP CSV injection), and the export imports back unchanged", async () => {
    const hyperlink = '=HYPERLINK("http://e.vil",A2)';
    const csv = [
      "member_id,msisdn,tier,display_name,sub",
      `-7,4791234567,"${hyperlink.replaceAll('"', '""')}",@Åse,+1`,
      "K-2,4791234568,Gull,Kari,=1+1",
    ].join("\n");
    expect((await loyalty(["import", "-"], csv)).code).toBe(EXIT.OK);
    const exported = await loyalty(["export"]);
    expect(exported.code).toBe(EXIT.OK);
    const cells = exported.stdout
      .trim()
      .split("\r\n")
      .flatMap((line) => line.split(","));
    expect(cells.filter((c) => /^"?[=+\-@]/.test(c))).toEqual([]);
    expect(exported.stdout).toContain(`'-7,4791234567,"'${hyperlink.replaceAll('"', '""')}",'@Åse,'+1,`);
    const again = await loyalty(["import", "-"], exported.stdout);
    expect(again.stdout).toBe("✓ imported 2 member(s) from stdin (0 new, 2 updated)\n");
    expect((await loyalty(["export"])).stdout).toBe(exported.stdout);
  });

  it("shows stored values on a terminal without their control characters, and exports them as stored", async () => {
    await loyalty(["import", "-"], "msisdn,member_id,tier\n4791234567,K-1,Gull\n");
    // A value that reached the table another way (a Login name, an older release): ESC, C1, bidi.
    const db = new Database(join(dir.path, "state", "journal.db"));
    db.prepare("UPDATE loyalty_members SET tier = ?, display_name = ?").run(
      "\u001b[2J\u001b]0;pwned\u0007Gull\u202e",
      "\u009b8mÅse",
    );
    db.close();
    for (const args of [["list"], ["export"]]) {
      const run = await runOnTerminal(["loyalty", ...args, "--config", config]);
      expect(run.code).toBe(EXIT.OK);
      expect([...run.screen].filter((c) => TERMINAL_CONTROLS.test(c))).toEqual([]);
      expect(run.screen).toContain("Gull");
    }
    const piped = await loyalty(["export"]);
    expect(piped.stdout).toContain("\u001b[2J\u001b]0;pwned\u0007Gull\u202e,\u009b8mÅse,");
  });

  it("refuses a file that is not UTF-8 (a spreadsheet's Windows-1252) with a hint", async () => {
    const file = join(dir.path, "latin1.csv");
    writeFileSync(file, Buffer.from("msisdn,display_name\n4791234567,\xe5se\n", "latin1"));
    const result = await loyalty(["import", file]);
    expect(result.code).toBe(EXIT.FAILURE);
    expect(result.stderr).toContain('is not UTF-8 text (save it as "CSV UTF-8" in the spreadsheet)');
    expect(await count()).toBe(0);
  });
});

describe("pos-agent loyalty forget / prune", { timeout: 90_000 }, () => {
  it("forgets a member by phone number in any common notation, says so, and is idempotent", async () => {
    await loyalty(["import", "-"], MEMBERS_SEMICOLON);
    const forgot = await loyalty(["forget", "--phone", "+47 912 34 567"]);
    expect(forgot.stdout).toBe(
      "✓ forgot member K-1 (phone ********67): deleted from the loyalty store with everything stored about them\n",
    );
    const again = await loyalty(["forget", "--phone", "004791234567"]);
    expect(again.stdout).toBe("✓ no member with phone ********67: nothing to delete\n");
    expect(again.code).toBe(EXIT.OK);
    expect((await loyalty(["export"])).stdout).not.toContain("4791234567");
    expect(await count()).toBe(2);

    const bad = await loyalty(["forget", "--phone", "912 34 567"]);
    expect(bad.code).toBe(EXIT.USAGE);
    expect(bad.stderr).toContain("✗ --phone: expected a phone number with its country code");
    expect((await loyalty(["forget"])).code).toBe(EXIT.USAGE);
  });

  it("prunes members not seen for loyalty.retentionDays", async () => {
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    const recent = new Date(Date.now() - 29 * 86_400_000).toISOString();
    await loyalty(
      ["import", "-"],
      `msisdn,member_id,last_seen_at\n4791234567,OLD,${old}\n4791234568,RECENT,${recent}\n`,
    );
    expect((await loyalty(["prune"])).stdout).toBe(
      "✓ deleted 1 member(s) not seen for 30 days (loyalty.retentionDays)\n",
    );
    expect((await loyalty(["list"])).stdout).toMatch(/^RECENT /m);
    expect(await count()).toBe(1);
  });
});

describe("pos-agent loyalty: safety", { timeout: 90_000 }, () => {
  it.skipIf(process.getuid?.() !== 0)(
    "refuses to run as root on a journal another user owns, with a sudo -u hint, touching nothing",
    async () => {
      const state = join(dir.path, "state");
      chownSync(state, 65534, 65534);
      const owner =
        readFileSync("/etc/passwd", "utf8")
          .split("\n")
          .find((l) => l.split(":")[2] === "65534")
          ?.split(":")[0] ?? "pos-agent";
      for (const args of [
        ["list"],
        ["export"],
        ["import", "-"],
        ["forget", "--phone", "4791234567"],
        ["prune"],
      ]) {
        const result = await loyalty(args, "msisdn\n4791234567\n");
        expect(result.code).toBe(EXIT.NOPERM);
        expect(result.stderr).toContain("refusing to open the journal as root");
        expect(result.stderr).toContain(`sudo -u ${owner} pos-agent loyalty`);
      }
      expect(readdirSync(state)).toEqual([]);
    },
  );

  it("lists every config problem and exits with the config code", async () => {
    writeFileSync(config, readFileSync(config, "utf8").replace("retentionDays: 30", "retentionDays: 0"));
    const result = await loyalty(["list"]);
    expect(result.code).toBe(EXIT.CONFIG);
    expect(result.stderr).toMatch(/loyalty\.retentionDays \(line 5\): expected an integer from 1 to 3650/);
  });
});
