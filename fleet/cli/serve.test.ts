import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { REPO_ROOT, runCli } from "../../test/helpers/cli.js";
import { FLEET_TOKEN } from "../../test/helpers/fleet.js";
import { freePort, startMosquitto } from "../../test/helpers/mosquitto.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { parsePasswordHash, verifyPassword } from "../auth/password.js";

/** The built `pos-fleet` executable, as systemd runs it (needs `npm run build`). */
const FLEET_BIN = `${REPO_ROOT}dist/fleet/cli/main.js`;

describe("pos-fleet (built executable)", () => {
  it("hash-password prints a users-file line that verifies, and refuses a short password", async () => {
    const made = await runCli(["hash-password", "alice"], {
      bin: FLEET_BIN,
      input: "a long enough password\n",
    });
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    const line = made.stdout.trim();
    expect(line).toMatch(/^alice:scrypt\$32768\$8\$3\$/);
    const hash = parsePasswordHash(line.slice("alice:".length));
    expect(hash !== undefined && (await verifyPassword("a long enough password", hash))).toBe(true);
    const short = await runCli(["hash-password", "alice"], { bin: FLEET_BIN, input: "short\n" });
    expect(short.code).toBe(64);
    expect(short.stdout).toBe("");
    expect(
      (await runCli(["hash-password", "bad name"], { bin: FLEET_BIN, input: "a long enough password" })).code,
    ).toBe(64);
  });

  it("serve lists every invalid variable and exits 78, without echoing a secret", async () => {
    const result = await runCli(["serve"], {
      bin: FLEET_BIN,
      env: { FLEET_MSN: "x", MQTT_URL: "", FLEET_API_TOKENS: "hunter2", FLEET_DATABASE: "" },
    });
    expect(result.code).toBe(78);
    for (const name of ["FLEET_MSN", "FLEET_DATABASE", "MQTT_URL", "FLEET_API_TOKENS"])
      expect(result.stderr).toContain(`  ${name}:`);
    expect(result.stderr).not.toContain("hunter2");
  });

  it("serves, logs NDJSON, refuses another MSN's store with 78, and stops cleanly on SIGTERM", async () => {
    const broker = await startMosquitto({ persistence: false });
    const dir = tempDir();
    const port = await freePort();
    const env = {
      ...process.env,
      FLEET_MSN: "123456",
      FLEET_PORT: String(port),
      FLEET_DATABASE: join(dir.path, "fleet.db"),
      MQTT_URL: broker.url,
      FLEET_API_TOKENS_FILE: join(dir.path, "tokens"),
      LOG_LEVEL: "info",
    };
    writeFileSync(env.FLEET_API_TOKENS_FILE, `${FLEET_TOKEN}\n`, { mode: 0o600 });
    const child = spawn(process.execPath, [FLEET_BIN, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await vi.waitFor(
        async () => expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200),
        {
          timeout: 20_000,
          interval: 100,
        },
      );
      const tills = await fetch(`http://127.0.0.1:${port}/api/tills`, {
        headers: { authorization: `Bearer ${FLEET_TOKEN}` },
      });
      expect(tills.status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const lines = stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.some((l) => l.msg === "fleet service listening" && l.service === "pos-fleet")).toBe(true);
      expect(lines.some((l) => l.msg === "fleet service stopped")).toBe(true);
      expect(stdout).not.toContain(FLEET_TOKEN);

      const other = await runCli(["serve"], { bin: FLEET_BIN, env: { ...env, FLEET_MSN: "654321" } });
      expect(other.code).toBe(78);
      expect(other.stderr).toContain("holds the fleet of MSN 123456, not 654321");
    } finally {
      child.kill("SIGKILL");
      await broker.cleanup();
      dir.cleanup();
    }
  });
});
