import { describe, expect, it } from "vitest";
import { parseTokens, tokenMatches } from "./api-tokens.js";
import { SCRYPT_DEFAULTS, hashPassword, parsePasswordHash, verifyPassword } from "./password.js";
import { parseUsersFile } from "./users-file.js";

describe("fleet credentials", () => {
  it("hashes with the default scrypt parameters and verifies only the right password", async () => {
    const line = await hashPassword("correct horse battery staple");
    expect(line).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(SCRYPT_DEFAULTS).toEqual({ N: 32_768, r: 8, p: 3 });
    const parsed = parsePasswordHash(line);
    expect(parsed).toBeDefined();
    if (parsed === undefined) return;
    expect(await verifyPassword("correct horse battery staple", parsed)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", parsed)).toBe(false);
    // Same password, fresh salt: a different line.
    expect(await hashPassword("correct horse battery staple")).not.toBe(line);
  });

  it("treats a password's Unicode forms alike (NFC)", async () => {
    const parsed = parsePasswordHash(await hashPassword("blåbærsyltetøy123", { N: 1024, r: 8, p: 1 }));
    if (parsed === undefined) throw new Error("no hash");
    expect(await verifyPassword("bla\u030abærsyltetøy123", parsed)).toBe(true);
  });

  it("refuses stored parameters that would make one login cost too much, or are not scrypt's", () => {
    const salt = "AAAAAAAAAAAAAAAAAAAAAA";
    const hash = "A".repeat(43);
    expect(parsePasswordHash(`scrypt$1024$8$1$${salt}$${hash}`)).toBeDefined();
    for (const bad of [
      `scrypt$2097152$8$1$${salt}$${hash}`, // N above 2^20
      `scrypt$1000$8$1$${salt}$${hash}`, // N not a power of two
      `scrypt$1024$64$1$${salt}$${hash}`,
      `scrypt$1024$8$99$${salt}$${hash}`,
      `scrypt$1024$8$1$${salt}$short`,
      `bcrypt$10$whatever`,
      "plaintext-password",
    ])
      expect({ bad, parsed: parsePasswordHash(bad) }).toEqual({ bad, parsed: undefined });
  });

  it("reads a users file, reporting bad lines by number and never their content", async () => {
    const good = await hashPassword("another long password", { N: 1024, r: 8, p: 1 });
    const { users, problems } = parseUsersFile(
      [
        "# operations",
        "",
        `alice:${good}`,
        "bob:hunter2-in-plain-text",
        `alice:${good}`,
        `bad name:${good}`,
      ].join("\n"),
    );
    expect(users.map((u) => u.name)).toEqual(["alice"]);
    expect(problems).toEqual([
      expect.stringMatching(/^line 4: expected name:scrypt/),
      "line 5: user alice appears twice",
      expect.stringMatching(/^line 6: expected name:scrypt/),
    ]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("accepts long random bearer tokens only, and matches them in constant time against each", () => {
    const token = "a".repeat(31) + "b";
    const { tokens, problems } = parseTokens(
      `# scripts\n${token}, short-token, ${"c".repeat(64)}`,
      "FLEET_API_TOKENS",
    );
    expect(tokens).toHaveLength(2);
    expect(problems).toEqual([expect.stringMatching(/^FLEET_API_TOKENS: token 2 must be 32–512 characters/)]);
    expect(problems.join()).not.toContain("short-token");
    expect(tokenMatches(token, tokens)).toBe(true);
    expect(tokenMatches("c".repeat(64), tokens)).toBe(true);
    expect(tokenMatches(`${token}x`, tokens)).toBe(false);
    expect(tokenMatches("", tokens)).toBe(false);
  });
});
