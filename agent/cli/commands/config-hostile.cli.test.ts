import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SECRET_FILES } from "../../../config/secrets.js";
import { runCli } from "../../../test/helpers/cli.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { EXIT } from "../../../lib/exit-codes.js";

/**
 * Hostile or broken config files and keys against the built `pos-agent`: every one is a clear,
 * coded refusal with the documented exit code — never a crash (70), which systemd would answer
 * with a restart loop — and nothing is written.
 */
const EXAMPLE = readFileSync(new URL("../../../config/pos-agent.example.yaml", import.meta.url), "utf8");

/** A billion laughs: nine levels of ten aliases each, 10⁹ strings once expanded. */
function aliasBomb(): string {
  const lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (let i = 1; i < 9; i++)
    lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]`);
  return lines.join("\n");
}

describe("hostile config input (built CLI)", { timeout: 90_000 }, () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    dir = tempDir("config-hostile-");
    file = join(dir.path, "pos-agent.yaml");
    writeFileSync(file, EXAMPLE, { mode: 0o640 });
    mkdirSync(join(dir.path, "secrets"));
    for (const name of [SECRET_FILES.clientSecret, SECRET_FILES.subscriptionKey, SECRET_FILES.webhookSecrets])
      writeFileSync(join(dir.path, "secrets", name), "x\n", { mode: 0o600 });
  });
  afterEach(() => dir.cleanup());

  const cli = (...args: string[]) => runCli([...args, "--config", file]);
  const unchanged = (before: { text: string; mtimeMs: number }): void => {
    expect(readFileSync(file, "utf8")).toBe(before.text);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
  };
  const snapshot = () => ({ text: readFileSync(file, "utf8"), mtimeMs: statSync(file).mtimeMs });

  it.each([
    ["__proto__.x"],
    ["__proto__"],
    ["constructor.prototype"],
    ["vipps.__proto__"],
    ["toString"],
    ["till.hasOwnProperty"],
  ])("config set/get %s: an unknown key (64), nothing written", async (key) => {
    const before = snapshot();
    const set = await cli("config", "set", key, "1");
    expect(set.code).toBe(EXIT.USAGE);
    expect(set.stderr).toContain("✗ CONFIG_UNKNOWN_KEY");
    unchanged(before);
    const get = await cli("config", "get", key);
    expect(get.code).toBe(EXIT.USAGE);
    expect(get.stderr).toContain("✗ CONFIG_UNKNOWN_KEY");
  });

  it("a YAML alias bomb: check, get, set and run exit 78 with the reason, nothing written", async () => {
    writeFileSync(file, `${EXAMPLE}\n${aliasBomb()}\n`);
    const before = snapshot();
    for (const args of [
      ["config", "check"],
      ["config", "get", "vipps.msn"],
      ["config", "set", "till.id", "kasse2"],
      ["run"],
    ]) {
      const result = await cli(...args);
      expect({ args, code: result.code }).toEqual({ args, code: EXIT.CONFIG });
      expect(result.stderr).toMatch(/aliases/);
    }
    unchanged(before);
  });

  it("a file that is not UTF-8: check, get, set and run exit 78 naming the line, nothing written", async () => {
    const latin1 = Buffer.from(
      EXAMPLE.replace("locationDescription: Kasse 1", "locationDescription: K\xe5sse 1"),
      "latin1",
    );
    expect(latin1.includes(0xe5)).toBe(true);
    writeFileSync(file, latin1);
    const line = EXAMPLE.split("\n").findIndex((l) => l.includes("locationDescription: Kasse 1")) + 1;
    for (const args of [
      ["config", "check"],
      ["config", "get", "vipps.msn"],
      ["config", "set", "till.id", "kasse2"],
      ["run"],
    ]) {
      const result = await cli(...args);
      expect({ args, code: result.code }).toEqual({ args, code: EXIT.CONFIG });
      expect(result.stderr).toContain(`not UTF-8 text (line ${line})`);
    }
    expect(readFileSync(file)).toEqual(latin1);
  });

  it("a secret that is not UTF-8 is refused like a missing one (78), naming the file", async () => {
    writeFileSync(join(dir.path, "secrets", SECRET_FILES.clientSecret), Buffer.from([0x73, 0xff, 0x0a]));
    const result = await cli("config", "check");
    expect(result.code).toBe(EXIT.CONFIG);
    expect(result.stderr).toContain(`${SECRET_FILES.clientSecret}: not UTF-8 text`);
  });
});
