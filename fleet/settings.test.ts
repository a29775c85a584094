import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FLEET_TOKEN, usersFileLine } from "../test/helpers/fleet.js";
import { tempDir } from "../test/helpers/temp-dir.js";
import { FLEET_DEFAULTS, parseFleetEnv } from "./settings.js";

describe("fleet settings from the environment", () => {
  const dirs: ReturnType<typeof tempDir>[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.cleanup();
  });
  const minimal = {
    FLEET_MSN: "123456",
    MQTT_URL: "mqtt://127.0.0.1:1883",
    FLEET_DATABASE: "/tmp/x.db",
    FLEET_API_TOKENS: FLEET_TOKEN,
  };

  it("has safe defaults: loopback, a login for the page, API and /metrics, an open /healthz, a week-long session", () => {
    const { settings, problems } = parseFleetEnv(minimal);
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({
      host: "127.0.0.1",
      port: FLEET_DEFAULTS.port,
      msn: "123456",
      topicPrefix: "vipps-pos",
      databaseFile: "/tmp/x.db",
      mqtt: {
        urls: ["mqtt://127.0.0.1:1883"],
        protocolVersion: 5,
        clientId: "pos-fleet-123456",
        sessionExpirySeconds: 604_800,
      },
      auth: { users: [], sessionHours: 12, cookieSecure: true, trustProxy: false },
      metricsAccess: "login",
      healthzAccess: "open",
      alerts: { offlineAfterSeconds: 300, degradedAfterSeconds: 600, unroutedQuietSeconds: 3600 },
      retentionDays: 90,
    });
    expect(settings?.webhookCheck).toBeUndefined();
    // Behind a broker that binds client ids to logins, the id is the user name.
    expect(parseFleetEnv({ ...minimal, MQTT_USERNAME: "backoffice-123456" }).settings?.mqtt.clientId).toBe(
      "backoffice-123456",
    );
    expect(settings?.alerts.webhookUrl).toBeUndefined();
    expect(
      parseFleetEnv({ ...minimal, FLEET_DATABASE: "", STATE_DIRECTORY: "/var/lib/pos-fleet" }).settings
        ?.databaseFile,
    ).toBe("/var/lib/pos-fleet/fleet.db");
  });

  it("lists every problem at once, naming the variable and never a secret", () => {
    const { settings, problems } = parseFleetEnv({
      FLEET_MSN: "12",
      FLEET_PORT: "99999",
      MQTT_URL: "http://broker",
      FLEET_API_TOKENS: "tooshort-secret",
      FLEET_METRICS_ACCESS: "token",
      FLEET_ALERT_WEBHOOK_URL: "ftp://hooks.example/SECRET-KEY",
      FLEET_COOKIE_SECURE: "yes",
      VIPPS_CLIENT_ID: "client",
    });
    expect(settings).toBeUndefined();
    const names = problems.map((p) => p.split(":")[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        "FLEET_MSN",
        "FLEET_PORT",
        "FLEET_DATABASE",
        "MQTT_URL",
        "FLEET_API_TOKENS",
        "FLEET_METRICS_TOKEN(_FILE)",
        "FLEET_ALERT_WEBHOOK_URL",
        "FLEET_COOKIE_SECURE",
        "VIPPS_CLIENT_SECRET",
        "VIPPS_SUBSCRIPTION_KEY",
      ]),
    );
    expect(problems.join("\n")).not.toMatch(/tooshort-secret|SECRET-KEY/);
  });

  it("never starts open: a user or a token is required", () => {
    const { problems } = parseFleetEnv({ ...minimal, FLEET_API_TOKENS: "" });
    expect(problems).toEqual([
      expect.stringMatching(/^FLEET_USERS_FILE or FLEET_API_TOKENS\(_FILE\): at least one/),
    ]);
  });

  it("reads users and secrets from files, and the Vipps check from the bridge's variables", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const users = join(dir.path, "users");
    const hook = join(dir.path, "hook");
    const secret = join(dir.path, "client-secret");
    writeFileSync(users, `${await usersFileLine("alice")}\n`);
    writeFileSync(hook, "https://hooks.example/services/T0/B0/KEY\n");
    writeFileSync(secret, "client-secret-value\n");
    const { settings, problems } = parseFleetEnv({
      ...minimal,
      FLEET_API_TOKENS: undefined,
      FLEET_USERS_FILE: users,
      FLEET_ALERT_WEBHOOK_URL_FILE: hook,
      VIPPS_BASE_URL: "http://127.0.0.1:9999",
      VIPPS_CLIENT_ID: "client",
      VIPPS_CLIENT_SECRET_FILE: secret,
      VIPPS_SUBSCRIPTION_KEY: "subscription",
      BRIDGE_PUBLIC_URL: "https://bridge.example.com/vipps/webhook",
      FLEET_WEBHOOK_CHECK_SECONDS: "60",
    });
    expect(problems).toEqual([]);
    expect(settings?.auth.users.map((u) => u.name)).toEqual(["alice"]);
    expect(settings?.alerts.webhookUrl).toBe("https://hooks.example/services/T0/B0/KEY");
    expect(settings?.webhookCheck).toEqual({
      credentials: {
        baseUrl: "http://127.0.0.1:9999",
        clientId: "client",
        clientSecret: "client-secret-value",
        subscriptionKey: "subscription",
        msn: "123456",
      },
      expectedUrl: "https://bridge.example.com/vipps/webhook",
      intervalSeconds: 60,
    });
    expect(parseFleetEnv({ ...minimal, VIPPS_CLIENT_ID: "c", VIPPS_MSN: "654321" }).problems).toContain(
      "VIPPS_MSN: must equal FLEET_MSN (or be unset)",
    );
  });
});
