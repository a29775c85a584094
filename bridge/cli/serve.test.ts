import { spawn } from "node:child_process";
import { describe, expect, it, vi } from "vitest";
import { REPO_ROOT, runCli } from "../../test/helpers/cli.js";
import { freePort, startMosquitto } from "../../test/helpers/mosquitto.js";
import { checkInPayload, postWebhook, signedWebhook } from "../../test/helpers/vipps-webhooks.js";

/** The built executable, as `npm run bridge` and the container run it (needs `npm run build`). */
const BRIDGE_BIN = `${REPO_ROOT}dist/bridge/cli/main.js`;
const PUBLIC_URL = "https://bridge.example.com/vipps/webhook";
const SECRET = "serve-test-secret-value";

describe("pos-bridge serve (built executable)", () => {
  it("lists every invalid variable and exits 78", async () => {
    const result = await runCli(["serve"], {
      bin: BRIDGE_BIN,
      env: {
        BRIDGE_PUBLIC_URL: "",
        MQTT_URL: "",
        VIPPS_WEBHOOK_SECRETS: "",
        BRIDGE_PORT: "x",
        MQTT_PASSWORD: "hunter2",
      },
    });
    expect(result.code).toBe(78);
    for (const name of [
      "BRIDGE_PORT",
      "BRIDGE_PUBLIC_URL",
      "VIPPS_WEBHOOK_SECRETS",
      "MQTT_URL",
      "MQTT_PASSWORD",
    ])
      expect(result.stderr).toContain(`  ${name}:`);
    expect(result.stderr).not.toContain("hunter2");
  });

  it("serves webhooks, logs NDJSON without secrets, and stops cleanly on SIGTERM", async () => {
    const broker = await startMosquitto({ persistence: false });
    const port = await freePort();
    const child = spawn(process.execPath, [BRIDGE_BIN, "serve"], {
      env: {
        ...process.env,
        BRIDGE_PORT: String(port),
        BRIDGE_HOST: "127.0.0.1",
        BRIDGE_PUBLIC_URL: PUBLIC_URL,
        MQTT_URL: broker.url,
        VIPPS_WEBHOOK_SECRETS: SECRET,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await vi.waitFor(
        async () => expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200),
        { timeout: 20_000, interval: 100 },
      );
      const answer = await postWebhook(
        `http://127.0.0.1:${port}/vipps/webhook`,
        signedWebhook(
          SECRET,
          PUBLIC_URL,
          checkInPayload({ tillId: "kasse1", msn: "123456", customerToken: "TOKEN-NOT-IN-LOGS" }),
        ),
      );
      expect(answer.status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const lines = stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.some((l) => l.msg === "webhook published" && l.service === "pos-bridge")).toBe(true);
      expect(lines.some((l) => l.msg === "bridge stopped")).toBe(true);
      expect(stdout).not.toContain(SECRET);
      expect(stdout).not.toContain("TOKEN-NOT-IN-LOGS");
    } finally {
      child.kill("SIGKILL");
      await broker.cleanup();
    }
  });
});
