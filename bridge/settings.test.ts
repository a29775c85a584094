import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isAgentError } from "../lib/errors.js";
import { tempDir } from "../test/helpers/temp-dir.js";
import { bridgeSettingsFromEnv, defaultBridgeName, parseBridgeEnv, splitSecrets } from "./settings.js";

const minimal = {
  BRIDGE_PUBLIC_URL: "https://bridge.example.com/vipps/webhook",
  MQTT_URL: "mqtts://broker.example.com:8883",
  VIPPS_WEBHOOK_SECRETS: "s1",
};

describe("parseBridgeEnv", () => {
  const dirs: { cleanup: () => void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

  it("applies the documented defaults", () => {
    const { settings, problems } = parseBridgeEnv(minimal);
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({
      host: "0.0.0.0",
      port: 8080,
      publicUrl: "https://bridge.example.com/vipps/webhook",
      webhookPath: "/vipps/webhook",
      webhookSecrets: [{ secret: "s1" }],
      topicPrefix: "vipps-pos",
      maxBodyBytes: 65_536,
      publishTimeoutMs: 5_000,
      mqtt: { urls: ["mqtts://broker.example.com:8883"], protocolVersion: 5, rejectUnauthorized: true },
    });
    expect(settings?.mqtt.clientId).toMatch(/^pos-bridge-[A-Za-z0-9_-]*-[0-9a-f]{8}$/);
  });

  it("reads every variable, secrets from files, several secrets for rotation", () => {
    const dir = tempDir();
    dirs.push(dir);
    const secretsFile = join(dir.path, "secrets");
    writeFileSync(secretsFile, "# current\n123456:new-secret\n654321:other-unit\nold-secret\n");
    const passwordFile = join(dir.path, "password");
    writeFileSync(passwordFile, "pa55\n");
    const pem = join(dir.path, "x.pem");
    writeFileSync(pem, "pem");
    const { settings, problems } = parseBridgeEnv({
      BRIDGE_PORT: "9000",
      BRIDGE_HOST: "127.0.0.1",
      BRIDGE_PUBLIC_URL: "https://bridge.example.com:8443/hooks?x=1",
      BRIDGE_WEBHOOK_PATH: "/internal/hooks",
      BRIDGE_MAX_BODY_BYTES: "2048",
      BRIDGE_PUBLISH_TIMEOUT_MS: "3000",
      BRIDGE_SHUTDOWN_TIMEOUT_MS: "500",
      MQTT_URL: "mqtt://127.0.0.1:1883",
      MQTT_PROTOCOL_VERSION: "4",
      MQTT_USERNAME: "bridge",
      MQTT_PASSWORD_FILE: passwordFile,
      MQTT_CA: pem,
      MQTT_CERT: pem,
      MQTT_KEY: pem,
      MQTT_REJECT_UNAUTHORIZED: "false",
      MQTT_CLIENT_ID: "bridge-a",
      VIPPS_WEBHOOK_SECRETS_FILE: secretsFile,
      TOPIC_PREFIX: "acme/pos",
      BRIDGE_NAME: "eu-1",
    });
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      host: "127.0.0.1",
      port: 9000,
      publicUrl: "https://bridge.example.com:8443/hooks?x=1",
      webhookPath: "/internal/hooks",
      webhookSecrets: [
        { secret: "new-secret", msn: "123456" },
        { secret: "other-unit", msn: "654321" },
        { secret: "old-secret" },
      ],
      topicPrefix: "acme/pos",
      name: "eu-1",
      maxBodyBytes: 2048,
      publishTimeoutMs: 3000,
      shutdownTimeoutMs: 500,
      mqtt: {
        urls: ["mqtt://127.0.0.1:1883"],
        protocolVersion: 4,
        clientId: "bridge-a",
        username: "bridge",
        password: "pa55",
        caFile: pem,
        certFile: pem,
        keyFile: pem,
        rejectUnauthorized: false,
      },
    });
  });

  it("reports every invalid variable at once, without echoing secrets", () => {
    const { settings, problems } = parseBridgeEnv({
      BRIDGE_PORT: "80a",
      BRIDGE_PUBLIC_URL: "ftp://x",
      BRIDGE_MAX_BODY_BYTES: "10",
      BRIDGE_PUBLISH_TIMEOUT_MS: "20000",
      MQTT_URL: "http://broker",
      MQTT_PROTOCOL_VERSION: "3",
      MQTT_PASSWORD: "hunter2",
      MQTT_CA: "/nonexistent/ca.pem",
      MQTT_CERT: "/nonexistent/cert.pem",
      MQTT_REJECT_UNAUTHORIZED: "maybe",
      TOPIC_PREFIX: "a/#",
      BRIDGE_NAME: "a/+",
    });
    expect(settings).toBeUndefined();
    const names = problems.map((p) => p.split(":")[0]);
    expect(names).toEqual([
      "BRIDGE_PORT",
      "BRIDGE_PUBLIC_URL",
      "BRIDGE_MAX_BODY_BYTES",
      "BRIDGE_PUBLISH_TIMEOUT_MS",
      "TOPIC_PREFIX",
      "VIPPS_WEBHOOK_SECRETS",
      "MQTT_URL",
      "MQTT_PROTOCOL_VERSION",
      "MQTT_PASSWORD",
      "MQTT_CA",
      "MQTT_CERT",
      "MQTT_CERT and MQTT_KEY",
      "MQTT_REJECT_UNAUTHORIZED",
      "BRIDGE_NAME",
    ]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("names the replica's heartbeat after its broker user pos-bridge-<name>, else its host", () => {
    expect(parseBridgeEnv({ ...minimal, MQTT_USERNAME: "pos-bridge-b" }).settings?.name).toBe("b");
    expect(parseBridgeEnv({ ...minimal, MQTT_USERNAME: "pos-bridge-" }).settings?.name).toBe(
      defaultBridgeName(undefined),
    );
    expect(defaultBridgeName("pos-bridge")).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/);
  });

  it("takes the nodes of a broker cluster as comma-separated URLs, TCP or TLS only", () => {
    const nodes = "mqtts://n1.example.com:8883, mqtts://n2.example.com:8883,mqtts://n3.example.com";
    expect(parseBridgeEnv({ ...minimal, MQTT_URL: nodes }).settings?.mqtt.urls).toEqual([
      "mqtts://n1.example.com:8883",
      "mqtts://n2.example.com:8883",
      "mqtts://n3.example.com",
    ]);
    expect(parseBridgeEnv({ ...minimal, MQTT_URL: "mqtt://n1:1883,wss://n2/mqtt" }).problems).toEqual([
      "MQTT_URL: several URLs (cluster nodes) must each be mqtt:// or mqtts://",
    ]);
    expect(parseBridgeEnv({ ...minimal, MQTT_URL: "mqtt://n1:1883,,http://n3" }).problems).toEqual([
      'MQTT_URL: expected an mqtt://, mqtts://, ws:// or wss:// URL (comma-separated), got "", "http://n3"',
    ]);
  });

  it("refuses a secret given both directly and as a file, and a missing secrets file", () => {
    expect(parseBridgeEnv({ ...minimal, VIPPS_WEBHOOK_SECRETS_FILE: "/x" }).problems).toEqual([
      "VIPPS_WEBHOOK_SECRETS and VIPPS_WEBHOOK_SECRETS_FILE are both set: use one",
    ]);
    const { VIPPS_WEBHOOK_SECRETS: _s, ...rest } = minimal;
    expect(parseBridgeEnv({ ...rest, VIPPS_WEBHOOK_SECRETS_FILE: "/nonexistent/secrets" }).problems).toEqual([
      "VIPPS_WEBHOOK_SECRETS_FILE: cannot read /nonexistent/secrets (ENOENT)",
    ]);
    expect(parseBridgeEnv({ ...rest, VIPPS_WEBHOOK_SECRETS: " , \n" }).problems[0]).toMatch(
      /^VIPPS_WEBHOOK_SECRETS: required/,
    );
  });

  it("binds each secret to an MSN as <msn>:<secret>, and names a bad entry without showing it", () => {
    const { settings, problems } = parseBridgeEnv({
      ...minimal,
      VIPPS_WEBHOOK_SECRETS: "123456:good,12:short-msn-secret,abcdef:not-an-msn,654321:, 7654321 : spaced",
    });
    expect(settings).toBeUndefined();
    expect(problems).toEqual(
      [2, 3, 4].map(
        (n) =>
          `VIPPS_WEBHOOK_SECRETS: entry ${n} is not <msn>:<secret> (an MSN of 4–10 digits, then the secret)`,
      ),
    );
    expect(problems.join("\n")).not.toMatch(/short-msn-secret|not-an-msn/);
    expect(
      parseBridgeEnv({ ...minimal, VIPPS_WEBHOOK_SECRETS: "123456:a, 7654321 : b" }).settings?.webhookSecrets,
    ).toEqual([
      { secret: "a", msn: "123456" },
      { secret: "b", msn: "7654321" },
    ]);
  });

  it("throws one coded error listing the problems", () => {
    let error: unknown;
    try {
      bridgeSettingsFromEnv({});
    } catch (e) {
      error = e;
    }
    expect(isAgentError(error, "BRIDGE_CONFIG_INVALID")).toBe(true);
    expect((error as Error).message).toContain("BRIDGE_PUBLIC_URL: required");
    expect((error as Error).message).toContain("MQTT_URL: required");
  });
});

describe("splitSecrets", () => {
  it("splits on commas and newlines and drops blanks and comments", () => {
    expect(splitSecrets("a,b\n\n# old\r\nc , ")).toEqual(["a", "b", "c"]);
  });
});
