import { chmodSync, chownSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { withJournal } from "./journal-access.js";

const NOBODY = 65534;
const isRoot = process.geteuid?.() === 0;

function codeOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return isAgentError(error) ? error.code : String(error);
  }
  return "no error";
}

describe("withJournal", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it("read: JOURNAL_MISSING when the agent never ran; then reads what a writer stored", () => {
    const storage = join(dir.path, "state");
    expect(codeOf(() => withJournal(storage, "read", () => undefined))).toBe("JOURNAL_MISSING");
    mkdirSync(storage);
    expect(codeOf(() => withJournal(storage, "read", () => undefined))).toBe("JOURNAL_MISSING");
    withJournal(storage, "write", (journal) => journal.setMetaValue("qrContent", "https://qr.vipps.no/x"));
    expect(withJournal(storage, "read", (journal) => journal.meta("qrContent"))).toBe(
      "https://qr.vipps.no/x",
    );
    // Read-only really is read-only.
    expect(
      codeOf(() => withJournal(storage, "read", (journal) => journal.setMetaValue("qrContent", "y"))),
    ).toMatch(/readonly|SQLITE_READONLY/i);
  });

  it.runIf(isRoot)(
    "as root, leaves every journal file to the storage directory's owner, and is root again afterwards",
    () => {
      chmodSync(dir.path, 0o755);
      const storage = join(dir.path, "state");
      mkdirSync(storage, { mode: 0o700 });
      chownSync(storage, NOBODY, NOBODY);
      withJournal(storage, "write", (journal) => {
        journal.setMetaValue("qrContent", "https://qr.vipps.no/x");
        expect(process.geteuid?.()).toBe(NOBODY);
      });
      expect(withJournal(storage, "read", (journal) => journal.meta("qrContent"))).toBe(
        "https://qr.vipps.no/x",
      );
      expect(process.geteuid?.()).toBe(0);
      expect(process.getegid?.()).toBe(0);
      const files = readdirSync(storage);
      expect(files).toContain("journal.db");
      for (const name of files)
        expect({ name, uid: statSync(join(storage, name)).uid }).toEqual({ name, uid: NOBODY });
    },
  );

  it.runIf(isRoot)("as root, refuses to create the agent's storage directory (it would be root's)", () => {
    expect(codeOf(() => withJournal(join(dir.path, "absent"), "write", () => undefined))).toBe(
      "JOURNAL_NO_ACCESS",
    );
  });
});
