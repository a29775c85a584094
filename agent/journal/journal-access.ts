import Database from "better-sqlite3";
import { statSync } from "node:fs";
import { join } from "node:path";
import { errorMessage } from "../../lib/errors.js";
import { Journal } from "./journal.js";
import { openDatabase, type Db } from "../store/database.js";
import { AgentError } from "../../lib/errors.js";

/** The journal's file name in the agent's storage directory (`storage.directory`). */
export const JOURNAL_FILE = "journal.db";

/** Why a technician's command could not open the journal. */
export type JournalAccessErrorCode =
  /** No journal where the config says (the agent never ran with this config). */
  | "JOURNAL_MISSING"
  /** The journal cannot be opened safely as this user (e.g. root without a storage directory). */
  | "JOURNAL_NO_ACCESS"
  /** The journal is older than this release and a read-only command cannot migrate it. */
  | "JOURNAL_OUTDATED"
  | "JOURNAL_UNREADABLE";

function journalError(
  code: JournalAccessErrorCode,
  message: string,
  options: { cause?: unknown } = {},
): AgentError<JournalAccessErrorCode> {
  return new AgentError(code, message, options);
}

/**
 * Opens the agent's journal for a technician's command, never leaving a file the agent cannot
 * write. The danger is root (docs/operations.md, "Never open the journal as root"): SQLite
 * creates the `-wal`/`-shm` files of a WAL database even for a read-only connection, and
 * created by root they would lock the agent (user pos-agent) out of its own journal.
 *
 * So when running as root against a storage directory owned by another user, the journal is
 * opened and used with that user's effective uid/gid (seteuid/setegid), and root's are taken
 * back right after: the files SQLite creates belong to the agent. `use` runs synchronously
 * inside that window (better-sqlite3 is synchronous), so nothing else of this process runs as
 * the other user meanwhile. Not root, or a root-owned directory (a development setup where the
 * agent runs as root): opened as is.
 *
 * `use` gets the journal and its database (for read-only queries the Journal has no method for).
 * `read`: read-only, the file must exist (JOURNAL_MISSING otherwise), a journal older than this
 * release is JOURNAL_OUTDATED. `write`: opened like the agent opens it (WAL, synchronous=FULL,
 * busy timeout, migrations); root needs the directory to exist already (the service creates it),
 * else JOURNAL_NO_ACCESS.
 */
export function withJournal<T>(
  directory: string,
  mode: "read" | "write",
  use: (journal: Journal, db: Db) => T,
): T {
  const file = join(directory, JOURNAL_FILE);
  const owner = journalOwner(directory, mode);
  return asUser(owner, () => {
    const db = mode === "read" ? openReadOnly(file) : openWritable(file);
    try {
      let journal: Journal;
      try {
        journal = new Journal(db);
      } catch (error) {
        // Read-only, the migrations of a newer release cannot run.
        if (mode === "read" && (error as { code?: string }).code === "SQLITE_READONLY") {
          throw journalError(
            "JOURNAL_OUTDATED",
            `${file} is older than this release: start the agent once to bring it up to date`,
            { cause: error },
          );
        }
        throw error;
      }
      return use(journal, db);
    } finally {
      db.close();
    }
  });
}

interface Identity {
  readonly uid: number;
  readonly gid: number;
}

/** The identity to act as, or undefined to stay as we are. */
function journalOwner(directory: string, mode: "read" | "write"): Identity | undefined {
  if (process.geteuid?.() !== 0) return undefined;
  let stat;
  try {
    stat = statSync(directory);
  } catch {
    if (mode === "read")
      throw journalError(
        "JOURNAL_MISSING",
        `no journal: ${directory} does not exist (has the agent run with this config?)`,
      );
    throw journalError(
      "JOURNAL_NO_ACCESS",
      `${directory} does not exist, and root would create the agent's storage as root. Start the agent once (sudo systemctl start pos-agent), or run this as the service user: sudo -u pos-agent pos-agent …`,
    );
  }
  if (stat.uid === 0) return undefined;
  return { uid: stat.uid, gid: stat.gid };
}

function asUser<T>(identity: Identity | undefined, work: () => T): T {
  if (identity === undefined) return work();
  if (process.seteuid === undefined || process.setegid === undefined) {
    throw journalError(
      "JOURNAL_NO_ACCESS",
      "cannot act as the journal's owner on this system: run this as the service user (sudo -u pos-agent pos-agent …)",
    );
  }
  process.setegid(identity.gid);
  try {
    process.seteuid(identity.uid);
    try {
      return work();
    } finally {
      process.seteuid(0);
    }
  } finally {
    process.setegid(0);
  }
}

const NO_ACCESS_HINT =
  "use sudo (pos-agent … acts as the journal's owner), or run it as the service user: sudo -u pos-agent pos-agent …";

function openReadOnly(file: string): Db {
  try {
    statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw journalError("JOURNAL_MISSING", `no journal at ${file} (has the agent run with this config?)`);
    throw journalError(
      "JOURNAL_NO_ACCESS",
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code}): ${NO_ACCESS_HINT}`,
      { cause: error },
    );
  }
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    return db;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "SQLITE_CANTOPEN" || code === "SQLITE_READONLY" || code === "EACCES") {
      throw journalError("JOURNAL_NO_ACCESS", `cannot open ${file} (${code}): ${NO_ACCESS_HINT}`, {
        cause: error,
      });
    }
    throw journalError("JOURNAL_UNREADABLE", `cannot open ${file}: ${errorMessage(error)}`, { cause: error });
  }
}

function openWritable(file: string): Db {
  try {
    return openDatabase(file);
  } catch (error) {
    throw journalError(
      "JOURNAL_NO_ACCESS",
      `cannot open ${file} for writing: ${errorMessage(error)}; ${NO_ACCESS_HINT}`,
      { cause: error },
    );
  }
}
