import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../../test/helpers/cli.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { SECRET_FILES } from "../../../config/secrets.js";
import { EXIT } from "../../../lib/exit-codes.js";

const EXAMPLE = readFileSync(new URL("../../../config/pos-agent.example.yaml", import.meta.url), "utf8");

describe("pos-agent config check", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
    mkdirSync(join(dir.path, "secrets"));
    for (const name of [
      SECRET_FILES.clientSecret,
      SECRET_FILES.subscriptionKey,
      SECRET_FILES.webhookSecrets,
    ]) {
      writeFileSync(join(dir.path, "secrets", name), "x\n", { mode: 0o600 });
    }
  });
  afterEach(() => dir.cleanup());

  it("exits 0 on a valid file", async () => {
    const file = join(dir.path, "a.yaml");
    writeFileSync(file, EXAMPLE);
    const result = await runCli(["config", "check", "--config", file]);
    expect(result.stdout).toContain("valid");
    expect(result.code).toBe(EXIT.OK);
  });

  it("exits with the config code and lists every problem", async () => {
    const file = join(dir.path, "a.yaml");
    writeFileSync(file, EXAMPLE.replace('msn: "123456"', 'msn: "1"').replace("columns: 42", "columns: 7"));
    const result = await runCli(["config", "check", "--config", file]);
    expect(result.code).toBe(EXIT.CONFIG);
    expect(result.stderr).toMatch(/vipps\.msn \(line \d+\): expected 4–7 digits/);
    expect(result.stderr).toMatch(/printer\.columns \(line \d+\): expected an integer from 24 to 64/);
  });
});
