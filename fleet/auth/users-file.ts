import { parsePasswordHash, type PasswordHash } from "./password.js";

/**
 * The fleet's users file (FLEET_USERS_FILE, a secret file): one `name:scrypt$N$r$p$salt$hash`
 * line per user, made by `pos-fleet hash-password <name>`; blank lines and `#` comments ignored.
 * Problems name the line, never its content (a pasted password must not reach a log).
 */
export const USER_NAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

export interface FleetUser {
  readonly name: string;
  readonly password: PasswordHash;
}

export function parseUsersFile(text: string): { users: FleetUser[]; problems: string[] } {
  const users: FleetUser[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const colon = line.indexOf(":");
    const name = colon < 0 ? "" : line.slice(0, colon);
    const password = colon < 0 ? undefined : parsePasswordHash(line.slice(colon + 1));
    if (!USER_NAME_PATTERN.test(name) || password === undefined) {
      problems.push(
        `line ${index + 1}: expected name:scrypt$N$r$p$salt$hash (made by \`pos-fleet hash-password <name>\`)`,
      );
      return;
    }
    if (seen.has(name)) {
      problems.push(`line ${index + 1}: user ${name} appears twice`);
      return;
    }
    seen.add(name);
    users.push({ name, password });
  });
  return { users, problems };
}
