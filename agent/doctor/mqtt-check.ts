import type { IClientOptions, IConnackPacket, MqttClient } from "mqtt";
import type { Config } from "../../config/schema.js";
import { mqttBrokerUrls, mqttClientId } from "../../config/load.js";
import { errorMessage } from "../../lib/errors.js";
import { MAX_MQTT_PACKET_BYTES } from "../../lib/mqtt-contract/index.js";
import { linkClientOptions } from "../mqtt/client-options.js";
import { connectMqtt } from "../mqtt/mqtt-connect.js";
import { fail, ok, warn, type Check, type Outcome } from "./check.js";
import { loadedOf, type DoctorContext } from "./context.js";

const REACH_HINT =
  "is the broker reachable from here? check mqtt.url (or mqtt.urls), DNS, the firewall (TCP 8883 for mqtts), and the clock for TLS";
const LOGIN_HINT =
  "the broker refused the till's login: check mqtt.username, the mqtt-password secret and the broker's users (docs/mqtt-contract.md)";
// An MQTT 3.1.1-only broker (NATS, aedes) answers an MQTT 5 CONNECT with return code 1.
const VERSION_HINT =
  "the broker does not speak MQTT 5 (NATS and aedes speak MQTT 3.1.1): set mqtt.protocolVersion: 4";

/** One node alone gets 10 s to answer; the nodes of a cluster are asked one after another, 5 s each. */
const nodeTimeoutMs = (nodes: number): number => (nodes <= 1 ? 10_000 : 5_000);

/**
 * The broker takes the till's login. A broker that binds client ids to logins (the documented
 * one: docs/mqtt-contract.md, "One login, one client id") gives every connection with the till's
 * login the till's own session, whatever client id it asks for — so the doctor never logs in
 * beside a running agent (that would take over its connection): while the agent runs, its own
 * link is asked. Otherwise the doctor connects as the agent does — its client id, a resumed
 * session — and acknowledges nothing, subscribes to nothing and publishes nothing, so the
 * webhooks queued in the session stay there for the agent. A session it had to create is
 * discarded again.
 *
 * With `mqtt.urls` (the nodes of a cluster) every node is asked in turn — one after another, as
 * two logins with one client id at once would take each other's session over: all answering is
 * ok; some down is a warning (the till fails over to the others, agent/mqtt/connection.ts); none
 * is a failure.
 */
export const mqttCheck: Check<DoctorContext> = {
  id: "mqtt",
  title: "mqtt",
  needs: ["config", "secrets", "agent"],
  timeoutMs: (context) => {
    const nodes = context.config === undefined ? 1 : mqttBrokerUrls(context.config).length;
    return nodes * (nodeTimeoutMs(nodes) + 1_000) + 1_000;
  },
  timeoutHint:
    "the broker did not answer: check mqtt.url (or mqtt.urls), the network and the firewall (TCP 8883 for mqtts)",
  async run(context, signal) {
    const { config, secrets } = loadedOf(context);
    const urls = mqttBrokerUrls(config);
    const brokers = urls.join(", ");
    if (context.agent !== undefined) {
      const state = context.agent.links.mqtt.state;
      if (state !== "connected")
        return fail(`the agent's link to ${brokers} is ${state}`, `${REACH_HINT}; ${LOGIN_HINT}`);
      return clientIdWarning(config) ?? ok(`the agent's link to ${brokers} is connected`);
    }
    if (context.agentRuns !== "no")
      return warn(
        "cannot tell whether the agent runs, so the till's login is not tried (beside a running agent it would take over its connection)",
        "run the doctor with sudo, so it can ask the agent",
      );
    let options: IClientOptions;
    try {
      // The agent's own options (client id, session, TLS, login) without its Last Will.
      const { will: _will, ...agent } = linkClientOptions(config, secrets, "unused");
      options = { ...agent, connectTimeout: nodeTimeoutMs(urls.length) };
    } catch (error) {
      return fail(
        errorMessage(error),
        "fix mqtt.tls (the files must exist and be readable by the service user)",
      );
    }
    const outcomes: Outcome[] = [];
    for (const url of urls) {
      if (signal.aborted) break;
      outcomes.push(await loginAsTill(url, options, config, signal));
    }
    return summarise(outcomes);
  },
};

/** One node: its own outcome. Several: ok when all answer, warn when some, fail when none. */
function summarise(outcomes: readonly Outcome[]): Outcome {
  const [first] = outcomes;
  if (first === undefined) return fail("no broker URL configured", "set mqtt.url or mqtt.urls");
  if (outcomes.length === 1) return first;
  const down = outcomes.filter((o) => o.status === "fail");
  const up = outcomes.length - down.length;
  const details = outcomes.map((o) => o.detail).join("; ");
  const firstDown = down[0];
  if (firstDown === undefined) {
    const warned = outcomes.find((o) => o.status === "warn");
    const all = `all ${outcomes.length} broker nodes answer: ${details}`;
    return warned === undefined ? ok(all) : warn(all, warned.hint ?? "");
  }
  if (up === 0) return fail(`no broker node answers: ${details}`, firstDown.hint ?? REACH_HINT);
  return warn(
    `${up} of ${outcomes.length} broker nodes answer: ${details}`,
    `the till fails over to the others meanwhile; ${firstDown.hint ?? "check that node"}`,
  );
}

async function loginAsTill(
  url: string,
  options: IClientOptions,
  config: Config,
  signal: AbortSignal,
): Promise<Outcome> {
  const client = connectMqtt(url, options, { maxPacketBytes: MAX_MQTT_PACKET_BYTES, onRefused: () => {} });
  // Never acknowledged: the broker gives them to the agent again.
  client.handleMessage = () => {};
  const stop = (): void => void client.end(true);
  signal.addEventListener("abort", stop, { once: true });
  try {
    const connack = await connected(client);
    if (typeof connack === "string") return fail(`${url}: ${connack}`, hintFor(connack, config));
    const who = `logged in to ${url} (MQTT ${config.mqtt.protocolVersion === 5 ? "5" : "3.1.1"}) as the till (client id ${mqttClientId(config)})`;
    if (!connack.sessionPresent) {
      await discardSession(url, client, options);
      return warn(
        `${who}; the broker holds no session for the till, so it drops the till's webhooks until the agent has connected once`,
        "start the agent before the till's QR is used: sudo systemctl start pos-agent",
      );
    }
    return (
      clientIdWarning(config) ?? ok(`${who}; the broker keeps the till's session while the agent is stopped`)
    );
  } finally {
    signal.removeEventListener("abort", stop);
    await client.endAsync(true).catch(() => undefined);
  }
}

function hintFor(errorText: string, config: Config): string {
  if (/not authori[sz]ed|bad user ?name or password|13[45]/i.test(errorText)) return LOGIN_HINT;
  if (config.mqtt.protocolVersion === 5 && /unacceptable protocol version/i.test(errorText))
    return VERSION_HINT;
  return REACH_HINT;
}

/** The CONNACK, or why there was none. */
function connected(client: MqttClient): Promise<IConnackPacket | string> {
  return new Promise((resolve) => {
    client.once("connect", resolve);
    client.once("error", (error) => resolve(errorMessage(error)));
    client.once("close", () => resolve("the broker closed the connection"));
  });
}

/**
 * Removes the empty session this connection created: MQTT 5 by a DISCONNECT that sets the
 * session expiry to 0 (MQTT 5 §3.14.2.2.2), MQTT 3.1.1 by one connection with a clean session.
 */
async function discardSession(url: string, client: MqttClient, options: IClientOptions): Promise<void> {
  if (options.protocolVersion === 5) {
    await client.endAsync(false, { properties: { sessionExpiryInterval: 0 } }).catch(() => undefined);
    return;
  }
  await client.endAsync(true).catch(() => undefined);
  const clean = connectMqtt(
    url,
    { ...options, clean: true },
    { maxPacketBytes: MAX_MQTT_PACKET_BYTES, onRefused: () => {} },
  );
  await connected(clean);
  await clean.endAsync().catch(() => undefined);
}

/** The documented broker uses the user name as client id: a different mqtt.clientId misleads. */
function clientIdWarning(config: Config): Outcome | undefined {
  const { username, clientId } = config.mqtt;
  if (username === undefined || clientId === undefined || clientId === username) return undefined;
  return warn(
    `mqtt.clientId "${clientId}" differs from mqtt.username "${username}": a broker that binds client ids to logins (the documented one) uses "${username}"`,
    "remove mqtt.clientId from the config (the client id then follows the user name)",
  );
}
