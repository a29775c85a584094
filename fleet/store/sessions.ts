import { createHash, randomBytes } from "node:crypto";
import type { Db, Statement } from "../../agent/store/database.js";
import { statementCache } from "../../agent/store/database.js";

/**
 * Browser sessions after a password login. The cookie carries 32 random bytes; the store keeps
 * only their SHA-256, so a copy of the database logs nobody in. Kept in SQLite so a restart of
 * the service does not log everyone out.
 */
export class SessionRepository {
  private readonly sql: (text: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  /** A new session for `user`; returns the cookie value. */
  create(user: string, now: number, lifetimeMs: number): string {
    const id = randomBytes(32).toString("base64url");
    this.sql("INSERT INTO fleet_sessions (id_hash, user, created_at, expires_at) VALUES (?, ?, ?, ?)").run(
      hash(id),
      user,
      now,
      now + lifetimeMs,
    );
    return id;
  }

  /** The user of a live session, or undefined. */
  user(id: string, now: number): string | undefined {
    const row = this.sql("SELECT user FROM fleet_sessions WHERE id_hash = ? AND expires_at > ?").get(
      hash(id),
      now,
    ) as { user: string } | undefined;
    return row?.user;
  }

  delete(id: string): void {
    this.sql("DELETE FROM fleet_sessions WHERE id_hash = ?").run(hash(id));
  }

  /** Sessions of users no longer in the users file end too. */
  prune(now: number, users: ReadonlySet<string>): number {
    let removed = this.sql("DELETE FROM fleet_sessions WHERE expires_at <= ?").run(now).changes;
    for (const { user } of this.sql("SELECT DISTINCT user FROM fleet_sessions").all() as { user: string }[])
      if (!users.has(user))
        removed += this.sql("DELETE FROM fleet_sessions WHERE user = ?").run(user).changes;
    return removed;
  }
}

function hash(id: string): string {
  return createHash("sha256").update(id, "utf8").digest("hex");
}
