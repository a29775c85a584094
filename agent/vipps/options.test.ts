import { describe, expect, it } from "vitest";
import { parseConfigText, type LoadedConfig } from "../../config/load.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { VippsClient, vippsClientOptions } from "./index.js";

const YAML = `
vipps:
  environment: production
  clientId: 0b5c6d3e-1111-2222-3333-444455556666
  msn: "1234567"
  currency: DKK
  webhookUrl: https://bridge.example.com/hook
  pluginName: acme-register
  pluginVersion: 2.3.1
  requestTimeoutMs: 8000
  maxRetries: 2
till:
  id: kasse1
  locationDescription: Kasse 1
mqtt:
  url: mqtt://127.0.0.1:1883
`;

function loaded(text: string): LoadedConfig {
  const { config, problems } = parseConfigText(text);
  if (config === undefined) throw new Error(problems.join("; "));
  return {
    file: "/etc/pos-agent/pos-agent.yaml",
    config,
    secrets: { clientSecret: "cs", subscriptionKey: "sk", webhookSecrets: ["ws"] },
  };
}

describe("vippsClientOptions", () => {
  it("builds the client options from the vipps section and the secret files", () => {
    const clock = new ManualClock();
    const options = vippsClientOptions(loaded(YAML), { clock });
    expect(options).toEqual({
      baseUrl: "https://api.vipps.no",
      clientId: "0b5c6d3e-1111-2222-3333-444455556666",
      clientSecret: "cs",
      subscriptionKey: "sk",
      msn: "1234567",
      system: {
        name: "vipps-pos-agent",
        version: "0.1.0",
        pluginName: "acme-register",
        pluginVersion: "2.3.1",
      },
      timeoutMs: 8000,
      maxRetries: 2,
      clock,
    });
    expect(() => new VippsClient(options)).not.toThrow();
  });

  it("uses the test host by default and a custom base URL (the simulator) when set", () => {
    const test = YAML.replace("environment: production", "environment: test");
    expect(vippsClientOptions(loaded(test)).baseUrl).toBe("https://apitest.vipps.no");
    const sim = YAML.replace("environment: production", "baseUrl: http://127.0.0.1:8080/");
    expect(vippsClientOptions(loaded(sim)).baseUrl).toBe("http://127.0.0.1:8080");
  });

  it("refuses impossible options when the client is built", () => {
    const good = vippsClientOptions(loaded(YAML));
    for (const bad of [
      { msn: "12" },
      { baseUrl: "ftp://x" },
      { clientSecret: "" },
      { maxRetries: 11 },
      { timeoutMs: 0 },
      { system: { name: "x".repeat(31), version: "1" } },
    ]) {
      expect(() => new VippsClient({ ...good, ...bad })).toThrow(/VIPPS|must|required/);
    }
  });
});
