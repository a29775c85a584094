import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../config/schema.js";
import { AgentError } from "../../lib/errors.js";
import { openDatabase, type Db } from "../store/database.js";
import { MemberStore } from "./member-store.js";

/**
 * Opening the agent's store from a technician's tool (`pos-agent loyalty …`) while the agent
 * may be running: SQLite in WAL mode allows it. Never as root on a journal someone else owns:
 * SQLite would create its `-wal`/`-shm` files owned by root and the agent could no longer write
 * its journal (docs/operations.md, "Backing up the journal").
 */
export type StoreAccessCode = "STORE_AS_ROOT";

export class StoreAccessError extends AgentError<StoreAccessCode> {}

export interface OpenedStore {
  readonly config: Config;
  readonly file: string;
  readonly db: Db;
  readonly store: MemberStore;
  close(): void;
}

/** The name of a uid from /etc/passwd, for the hint; undefined when it is not there. */
function userName(uid: number): string | undefined {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const [name, , id] = line.split(":");
      if (name !== undefined && id === String(uid)) return name;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Refuses root unless root already owns the storage directory (a laptop, a test). The hint
 * names the directory's owner: `sudo -u pos-agent pos-agent loyalty …`.
 */
function assertNotRootOnForeignJournal(
  directory: string,
  journalFile: string,
  uid: number | undefined = process.getuid?.(),
): void {
  if (uid !== 0) return;
  const owner = (path: string): number | undefined => (existsSync(path) ? statSync(path).uid : undefined);
  const dirOwner = owner(directory);
  const foreign = [dirOwner, owner(journalFile), owner(`${journalFile}-wal`)].find(
    (o) => o !== undefined && o !== 0,
  );
  if (dirOwner !== undefined && foreign === undefined) return;
  const user = (foreign === undefined ? undefined : userName(foreign)) ?? "pos-agent";
  const why =
    dirOwner === undefined
      ? `${directory} does not exist (the agent creates it, owned by its user)`
      : `${journalFile} belongs to ${user}`;
  throw new StoreAccessError(
    "STORE_AS_ROOT",
    `refusing to open the journal as root: ${why}; SQLite would leave root-owned -wal/-shm files the agent cannot write. Run it as the agent's user: sudo -u ${user} pos-agent loyalty …`,
  );
}

/** `config.storage.directory` must be absolute (as `loadConfig` and `readConfigFile` resolve it). */
export function openMemberStore(config: Config, journalFileName: string): OpenedStore {
  const directory = config.storage.directory;
  const file = join(directory, journalFileName);
  assertNotRootOnForeignJournal(directory, file);
  const db = openDatabase(file);
  return { config, file, db, store: new MemberStore(db), close: () => db.close() };
}
