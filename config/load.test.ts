import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { tempDir } from "../test/helpers/temp-dir.js";
import {
  ConfigError,
  loadConfig,
  mqttBrokerUrls,
  mqttClientId,
  parseConfigText,
  vippsBaseUrl,
} from "./load.js";
import { configSchema } from "./schema.js";
import { SECRET_FILES } from "./secrets.js";

const EXAMPLE = readFileSync(new URL("./pos-agent.example.yaml", import.meta.url), "utf8");

const MINIMAL = `
vipps:
  clientId: abc
  msn: "123456"
  currency: NOK
  webhookUrl: https://bridge.example.com/hook
till:
  id: kasse1
  locationDescription: Kasse 1
mqtt:
  url: mqtt://127.0.0.1:1883
`;

function problemsOf(text: string): string[] {
  return parseConfigText(text).problems;
}

describe("config schema", () => {
  it("accepts the annotated example", () => {
    expect(problemsOf(EXAMPLE)).toEqual([]);
  });

  it("documents every key of the schema in the example (commented out or not)", () => {
    // Uncomment every `# key: value` line so optional keys count as documented.
    const uncommented = EXAMPLE.replace(/^(\s*)# ([a-z][A-Za-z]*: .*)$/gm, "$1$2");
    const doc = parseDocument(uncommented).toJS() as Record<string, unknown>;
    const missing: string[] = [];
    const walk = (shape: Record<string, unknown>, value: unknown, path: string): void => {
      for (const [key, schema] of Object.entries(shape)) {
        const here = `${path}${key}`;
        const v = (value as Record<string, unknown> | undefined)?.[key];
        if (v === undefined) missing.push(here);
        const inner = objectShape(schema);
        if (inner !== undefined) walk(inner, v, `${here}.`);
      }
    };
    walk(configSchema.shape, doc, "");
    expect(missing).toEqual([]);
    // mqtt.urls replaces mqtt.url: the two exclude each other.
    expect(problemsOf(uncommented)).toEqual([
      expect.stringMatching(/^mqtt\.url \(line \d+\): set url \(one broker\) or urls/),
    ]);
    expect(problemsOf(uncommented.replace(/^ {2}url: .*\n/m, ""))).toEqual([]);
  });

  it("fills defaults for every optional section", () => {
    const { config } = parseConfigText(MINIMAL);
    expect(config?.register.baudRate).toBe(115200);
    expect(config?.register.ackTimeoutMs).toBe(1000);
    expect(config?.mqtt.protocolVersion).toBe(5);
    expect(config?.printer.uri).toBe("none");
    expect(config?.loyalty.mode).toBe("off");
    expect(config?.checkout.webhookGraceMs).toBe(5000);
    expect(config?.gpio.pins).toEqual({});
  });

  it("reports every problem at once, each with its key path and line", () => {
    const text = MINIMAL.replace('msn: "123456"', 'msn: "12a"')
      .replace("id: kasse1", "id: kasse-1")
      .replace("mqtt:\n", "mqtt:\n  colour: blue\n");
    const problems = problemsOf(text + "register:\n  baudRate: 1234\n");
    expect(problems).toEqual([
      "vipps.msn (line 4): expected 4–7 digits",
      "till.id (line 8): expected 2–20 letters or digits (A–Z, a–z, 0–9)",
      "mqtt.colour (line 11): unknown key",
      "register.baudRate (line 14): expected one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400",
    ]);
  });

  it("names missing required sections and keys", () => {
    expect(problemsOf("till:\n  id: k1\n")).toEqual(
      expect.arrayContaining(["vipps: required", "mqtt: required", "till.locationDescription: required"]),
    );
  });

  it("refuses secrets written inline", () => {
    expect(problemsOf(MINIMAL.replace("clientId: abc", "clientId: abc\n  clientSecret: hunter2"))).toEqual([
      "vipps.clientSecret (line 4): unknown key",
    ]);
  });

  it("reports YAML syntax errors with their position", () => {
    const problems = problemsOf("vipps:\n  msn: [1, 2\n");
    expect(problems[0]).toMatch(/^yaml \(line \d+, column \d+\): /);
  });

  it("refuses duplicate keys", () => {
    expect(problemsOf(MINIMAL + "mqtt:\n  url: mqtt://x\n")[0]).toMatch(/^yaml/);
  });

  it("checks ranges, enums and cross-field rules", () => {
    expect(problemsOf(MINIMAL + "loyalty:\n  backend: http\n")).toEqual([
      "loyalty.httpUrl: httpUrl is required when backend is http",
    ]);
    expect(problemsOf(MINIMAL + "printer:\n  uri: lpt1\n")[0]).toMatch(
      /^printer\.uri \(line \d+\): expected usb:/,
    );
    expect(problemsOf(MINIMAL + "gpio:\n  pins:\n    ready: 40\n")[0]).toMatch(
      /^gpio\.pins\.ready .*0 to 27/,
    );
    expect(problemsOf(MINIMAL.replace("currency: NOK", "currency: SEK"))[0]).toBe(
      "vipps.currency (line 5): expected NOK, DKK or EUR",
    );
  });

  it("takes one broker URL or the nodes of a cluster, never both or neither", () => {
    const nodes = MINIMAL.replace(
      "  url: mqtt://127.0.0.1:1883",
      "  urls: [mqtts://n1.example.com:8883, mqtts://n2.example.com:8883]",
    );
    const { config } = parseConfigText(nodes);
    if (config === undefined) throw new Error("config with urls invalid");
    expect(mqttBrokerUrls(config)).toEqual(["mqtts://n1.example.com:8883", "mqtts://n2.example.com:8883"]);
    const single = parseConfigText(MINIMAL).config;
    if (single === undefined) throw new Error("minimal config invalid");
    expect(mqttBrokerUrls(single)).toEqual(["mqtt://127.0.0.1:1883"]);
    const both = nodes.replace("  urls:", "  url: mqtt://127.0.0.1:1883\n  urls:");
    expect(problemsOf(both)).toEqual([
      "mqtt.url (line 11): set url (one broker) or urls (the nodes of a cluster), exactly one of them",
    ]);
    expect(problemsOf(MINIMAL.replace("  url: mqtt://127.0.0.1:1883", "  keepaliveSeconds: 30"))).toEqual([
      "mqtt.url: set url (one broker) or urls (the nodes of a cluster), exactly one of them",
    ]);
    expect(problemsOf(nodes.replace("mqtts://n2.example.com:8883", "http://n2"))[0]).toMatch(
      /^mqtt\.urls\.1 .*expected an mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\/ URL/,
    );
    expect(problemsOf(MINIMAL.replace("  url: mqtt://127.0.0.1:1883", "  urls: []"))[0]).toMatch(
      /^mqtt\.urls .*expected at least one URL/,
    );
  });

  it("derives the MQTT client id and the Vipps base URL", () => {
    const { config } = parseConfigText(MINIMAL);
    if (config === undefined) throw new Error("minimal config invalid");
    expect(mqttClientId(config)).toBe("pos-agent-123456-kasse1");
    // A broker login: the client id is the user name, as the documented broker enforces.
    const login = { ...config, mqtt: { ...config.mqtt, username: "till-123456-kasse1" } };
    expect(mqttClientId(login)).toBe("till-123456-kasse1");
    expect(mqttClientId({ ...login, mqtt: { ...login.mqtt, clientId: "explicit" } })).toBe("explicit");
    expect(vippsBaseUrl(config)).toBe("https://apitest.vipps.no");
    expect(vippsBaseUrl({ ...config, vipps: { ...config.vipps, environment: "production" } })).toBe(
      "https://api.vipps.no",
    );
    expect(vippsBaseUrl({ ...config, vipps: { ...config.vipps, baseUrl: "http://127.0.0.1:8080/" } })).toBe(
      "http://127.0.0.1:8080",
    );
  });
});

describe("loadConfig with secrets", () => {
  let dir: ReturnType<typeof tempDir>;
  const writeSecrets = (where: string, names: string[]): void => {
    mkdirSync(where, { recursive: true });
    for (const name of names) writeFileSync(join(where, name), `value-of-${name}\n`, { mode: 0o600 });
  };
  const REQUIRED = [SECRET_FILES.clientSecret, SECRET_FILES.subscriptionKey, SECRET_FILES.webhookSecrets];

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it("reads secrets from the secrets directory beside the config and resolves relative paths", () => {
    const file = join(dir.path, "pos-agent.yaml");
    writeFileSync(file, MINIMAL + "storage:\n  directory: state\ncontrol:\n  socketPath: run/control.sock\n");
    writeSecrets(join(dir.path, "secrets"), REQUIRED);
    const loaded = loadConfig(file, {});
    expect(loaded.secrets.clientSecret).toBe("value-of-vipps-client-secret");
    expect(loaded.secrets.webhookSecrets).toEqual(["value-of-vipps-webhook-secret"]);
    expect(loaded.config.storage.directory).toBe(join(dir.path, "state"));
    expect(loaded.config.control.socketPath).toBe(join(dir.path, "run", "control.sock"));
  });

  it("prefers $CREDENTIALS_DIRECTORY and accepts several webhook secrets", () => {
    const file = join(dir.path, "pos-agent.yaml");
    writeFileSync(file, MINIMAL);
    const creds = join(dir.path, "creds");
    writeSecrets(creds, REQUIRED);
    writeFileSync(join(creds, SECRET_FILES.webhookSecrets), "# rotating\nnew-secret\nold-secret\n");
    const loaded = loadConfig(file, { CREDENTIALS_DIRECTORY: creds });
    expect(loaded.secrets.webhookSecrets).toEqual(["new-secret", "old-secret"]);
  });

  it("lists every missing secret, and the MQTT password only when a username is set", () => {
    const file = join(dir.path, "pos-agent.yaml");
    writeFileSync(
      file,
      MINIMAL.replace("url: mqtt://127.0.0.1:1883", "url: mqtt://127.0.0.1:1883\n  username: till"),
    );
    writeSecrets(join(dir.path, "secrets"), [SECRET_FILES.clientSecret]);
    writeFileSync(join(dir.path, "secrets", SECRET_FILES.subscriptionKey), "\n");
    try {
      loadConfig(file, {});
      expect.unreachable("config with missing secrets loaded");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.map((p) => p.replace(dir.path, "<dir>"));
      expect(problems).toEqual([
        "secrets: <dir>/secrets/vipps-subscription-key: empty",
        "secrets: <dir>/secrets/vipps-webhook-secret: missing",
        "secrets: <dir>/secrets/mqtt-password: missing",
      ]);
      expect((error as ConfigError).message).not.toContain("value-of");
    }
  });

  it("reports an unreadable file with its own code", () => {
    expect(() => loadConfig(join(dir.path, "nope.yaml"), {})).toThrow(
      expect.objectContaining({ code: "CONFIG_UNREADABLE" }),
    );
  });
});

/** The shape of a (possibly wrapped: default/prefault/optional/pipe) zod object schema. */
function objectShape(schema: unknown): Record<string, unknown> | undefined {
  let s = schema as
    { def?: { type?: string; innerType?: unknown; in?: unknown; shape?: unknown } } | undefined;
  for (let i = 0; i < 10 && s?.def !== undefined; i++) {
    if (s.def.type === "object") return s.def.shape as Record<string, unknown>;
    s = (s.def.innerType ?? s.def.in) as typeof s;
  }
  return undefined;
}
