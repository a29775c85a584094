import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadConfig, type LoadedConfig } from "../config/load.js";
import type { ConfigInput } from "../config/schema.js";
import { SECRET_FILES } from "../config/secrets.js";
import { silentLogger, type Logger } from "../lib/log.js";
import { startBridge, type RunningBridge } from "../bridge/index.js";
import { AGENT_WEBHOOK_EVENTS } from "../bridge/cli/webhooks.js";
import { startEmbeddedBroker, type EmbeddedBroker } from "../sim/broker/embedded-broker.js";
import {
  startVippsSimulator,
  type SalesUnit,
  type VippsSimulator,
  type VippsSimulatorOptions,
} from "../sim/vipps/index.js";
import { VippsClient, vippsClientOptions } from "../agent/vipps/index.js";
import { freePort } from "./free-port.js";

/**
 * Everything around the agent, on loopback, with no hardware and no Vipps account: the Vipps
 * simulator, an MQTT broker (embedded, or one the caller runs), the bridge with a webhook
 * registered at the simulator, the till's QR, and a config file + secrets the agent can load
 * (in-process with `startAgent`, or as `pos-agent run --config …`). Used by the demo (`npm start`),
 * the end-to-end tests and the benchmark.
 */
export interface SystemOptions {
  /** Where the config, secrets and journal go. */
  readonly directory: string;
  /** An external broker (e.g. a test's mosquitto); default: an embedded aedes (MQTT 3.1.1). */
  readonly brokerUrl?: string;
  readonly mqttProtocol?: 4 | 5;
  /** The register cable's device path as the agent sees it; default a path nobody opens. */
  readonly registerPath?: string;
  readonly tillId?: string;
  /** Config sections to override (deep-merged one level). */
  readonly config?: Partial<{ [K in keyof ConfigInput]: Partial<ConfigInput[K]> }>;
  readonly simulator?: VippsSimulatorOptions;
  readonly logger?: Logger;
}

export interface RunningSystem {
  readonly sim: VippsSimulator;
  readonly salesUnit: SalesUnit;
  /** The bridge now running (a new one after `startBridge`). */
  readonly bridge: RunningBridge;
  /** Stops the bridge cleanly (its heartbeat says `offline`): check-ins no longer reach the till. */
  stopBridge(): Promise<void>;
  /** Starts the bridge again on the same port, secret and broker (after `stopBridge`). */
  startBridge(): Promise<void>;
  readonly brokerUrl: string;
  readonly configFile: string;
  readonly loaded: LoadedConfig;
  readonly tillId: string;
  readonly qrContent: string;
  /** Stops the bridge, the embedded broker and the simulator (the agent is the caller's). */
  stop(): Promise<void>;
}

export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const logger = options.logger ?? silentLogger();
  const tillId = options.tillId ?? "kasse1";
  const protocol = options.mqttProtocol ?? (options.brokerUrl === undefined ? 4 : 5);
  const stops: (() => Promise<void>)[] = [];
  try {
    const sim = await startVippsSimulator(options.simulator ?? {});
    stops.push(() => sim.close());
    const salesUnit = sim.salesUnits[0];
    if (salesUnit === undefined) throw new Error("the simulator has no sales unit");

    let broker: EmbeddedBroker | undefined;
    if (options.brokerUrl === undefined) {
      broker = await startEmbeddedBroker();
      stops.push(() => broker?.close() ?? Promise.resolve());
    }
    const brokerUrl = options.brokerUrl ?? broker?.url ?? "";

    // The webhook URL must be known before the registration returns the secret the bridge needs.
    const bridgePort = await freePort();
    const webhookUrl = `http://127.0.0.1:${bridgePort}/vipps/webhook`;

    mkdirSync(join(options.directory, "secrets"), { recursive: true, mode: 0o700 });
    const secret = (name: string, value: string): void =>
      writeFileSync(join(options.directory, "secrets", name), `${value}\n`, { mode: 0o600 });
    secret(SECRET_FILES.clientSecret, salesUnit.clientSecret);
    secret(SECRET_FILES.subscriptionKey, salesUnit.subscriptionKey);
    secret(SECRET_FILES.webhookSecrets, "pending");

    const input: ConfigInput = {
      vipps: {
        baseUrl: sim.url,
        clientId: salesUnit.clientId,
        msn: salesUnit.msn,
        currency: salesUnit.currency,
        webhookUrl,
        requestTimeoutMs: 5_000,
        ...options.config?.vipps,
      },
      till: { id: tillId, locationDescription: "Demo till", ...options.config?.till },
      mqtt: {
        url: brokerUrl,
        protocolVersion: protocol,
        reconnectMinMs: 200,
        reconnectMaxMs: 2_000,
        ...options.config?.mqtt,
      },
      register: {
        path: options.registerPath ?? join(options.directory, "register-cable"),
        ...options.config?.register,
      },
      printer: { ...options.config?.printer },
      display: { language: "en", ...options.config?.display },
      gpio: { ...options.config?.gpio },
      storage: { directory: join(options.directory, "state"), ...options.config?.storage },
      loyalty: { ...options.config?.loyalty },
      checkout: { ...options.config?.checkout },
      log: { ...options.config?.log },
      control: { socketPath: join(options.directory, "control.sock"), ...options.config?.control },
    };
    const configFile = join(options.directory, "pos-agent.yaml");
    writeFileSync(configFile, stringify(input));
    const provisional = loadConfig(configFile, {});

    // Provisioning, as a technician would: the webhook at Vipps, then the till's QR.
    const vipps = new VippsClient(vippsClientOptions(provisional, { logger }));
    const registration = await vipps.webhooks.register({ url: webhookUrl, events: AGENT_WEBHOOK_EVENTS });
    secret(SECRET_FILES.webhookSecrets, registration.secret);
    await vipps.qr.putMerchantCallback(tillId, {
      locationDescription: provisional.config.till.locationDescription,
    });
    const qr = await vipps.qr.getMerchantCallback(tillId);

    const bridgeOptions = {
      publicUrl: webhookUrl,
      webhookSecrets: [`${salesUnit.msn}:${registration.secret}`],
      mqtt: { url: brokerUrl, protocolVersion: protocol },
      port: bridgePort,
      name: "demo",
      logger: logger.child({ module: "bridge" }),
    };
    let bridge: RunningBridge | undefined = await startBridge(bridgeOptions);
    let lastBridge: RunningBridge = bridge;
    stops.push(async () => {
      await bridge?.close();
    });

    return {
      sim,
      salesUnit,
      get bridge() {
        return lastBridge;
      },
      async stopBridge() {
        const running = bridge;
        bridge = undefined;
        await running?.close();
      },
      async startBridge() {
        if (bridge !== undefined) return;
        bridge = await startBridge(bridgeOptions);
        lastBridge = bridge;
      },
      brokerUrl,
      configFile,
      loaded: loadConfig(configFile, {}),
      tillId,
      qrContent: qr.qrContent,
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}
