import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Clock } from "../../lib/clock.js";
import { tokenMatches } from "../auth/api-tokens.js";
import { hashPassword, parsePasswordHash, verifyPassword, type PasswordHash } from "../auth/password.js";
import type { FleetUser } from "../auth/users-file.js";
import type { FleetStore } from "../store/fleet-store.js";
import { cookies } from "./http.js";

const SESSION_COOKIE = "pos_fleet_session";
/** scrypt costs 32 MiB and tens of milliseconds: only this many run at once, the rest are told to retry. */
const MAX_CONCURRENT_VERIFICATIONS = 2;

export type Identity = { readonly kind: "token" } | { readonly kind: "session"; readonly user: string };

/**
 * Who is asking: a bearer token (`Authorization: Bearer …`, for scripts and Prometheus) or the
 * session cookie a password login set (for people). Passwords are checked against the users
 * file's scrypt hashes; an unknown name costs the same as a wrong password, so the answer time
 * does not tell which names exist. Rate limiting of failures is the server's (server.ts).
 */
export class Authenticator {
  private readonly users: Map<string, PasswordHash>;
  private verifying = 0;
  private dummy: Promise<PasswordHash> | undefined;

  constructor(
    private readonly o: {
      readonly store: FleetStore;
      readonly users: readonly FleetUser[];
      readonly apiTokens: readonly Buffer[];
      readonly sessionHours: number;
      readonly cookieSecure: boolean;
      readonly clock: Clock;
    },
  ) {
    this.users = new Map(o.users.map((u) => [u.name, u.password]));
  }

  /** The bearer token of a request, if it sent one. */
  static bearer(req: IncomingMessage): string | undefined {
    const match = /^Bearer ([^\s]{1,1024})$/.exec(req.headers.authorization ?? "");
    return match?.[1];
  }

  /** A valid bearer token or live session; undefined otherwise. `tokens` defaults to the API tokens. */
  identify(
    req: IncomingMessage,
    tokens: readonly Buffer[] = this.o.apiTokens,
  ): Identity | "bad-token" | undefined {
    const token = Authenticator.bearer(req);
    if (token !== undefined) return tokenMatches(token, tokens) ? { kind: "token" } : "bad-token";
    const session = cookies(req).get(SESSION_COOKIE);
    if (session === undefined || !/^[A-Za-z0-9_-]{43}$/.test(session)) return undefined;
    const user = this.o.store.sessions.user(session, this.o.clock.now());
    // A user removed from the users file loses access at once, live sessions included.
    return user !== undefined && this.users.has(user) ? { kind: "session", user } : undefined;
  }

  /** Whether a verification can start now (else: answer "busy, retry"). */
  get busy(): boolean {
    return this.verifying >= MAX_CONCURRENT_VERIFICATIONS;
  }

  /** A new session's cookie value for a right name and password; undefined when either is wrong. */
  async login(name: string, password: string): Promise<string | undefined> {
    const stored = this.users.get(name);
    this.verifying += 1;
    try {
      const ok = await verifyPassword(password, stored ?? (await this.dummyHash()));
      if (!ok || stored === undefined) return undefined;
    } finally {
      this.verifying -= 1;
    }
    return this.o.store.sessions.create(name, this.o.clock.now(), this.o.sessionHours * 3_600_000);
  }

  logout(req: IncomingMessage): void {
    const session = cookies(req).get(SESSION_COOKIE);
    if (session !== undefined) this.o.store.sessions.delete(session);
  }

  /** Set-Cookie for a session: not readable by scripts, sent only to this site, HTTPS only unless configured otherwise. */
  sessionCookie(value: string): string {
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${this.o.sessionHours * 3_600}${this.o.cookieSecure ? "; Secure" : ""}`;
  }

  clearCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${this.o.cookieSecure ? "; Secure" : ""}`;
  }

  /** Ends expired sessions and those of users no longer in the file. */
  prune(): number {
    return this.o.store.sessions.prune(this.o.clock.now(), new Set(this.users.keys()));
  }

  private dummyHash(): Promise<PasswordHash> {
    this.dummy ??= hashPassword(randomBytes(16).toString("hex")).then((text) => {
      const parsed = parsePasswordHash(text);
      if (parsed === undefined) throw new Error("a fresh hash did not parse");
      return parsed;
    });
    return this.dummy;
  }
}
