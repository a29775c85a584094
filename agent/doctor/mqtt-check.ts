import { randomBytes } from "node:crypto";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { errorMessage } from "../../lib/errors.js";
import { tillTopic } from "../../lib/mqtt-contract/index.js";
import { linkClientOptions } from "../mqtt/client-options.js";
import { fail, ok, type Check, type Outcome } from "./check.js";
import { loadedOf, type DoctorContext } from "./context.js";

/**
 * The broker takes a connection with the till's credentials and a subscription in the till's
 * subtree. Under a client id of its own with a clean session and no Last Will, so the agent's
 * persistent session (and the webhooks queued in it) is never touched, and nothing is published.
 * Subscribes to the till's retained status, which also tells whether the broker sees the agent online.
 */
export const mqttCheck: Check<DoctorContext> = {
  id: "mqtt",
  title: "mqtt",
  needs: ["config", "secrets"],
  timeoutMs: 12_000,
  timeoutHint: "the broker did not answer: check mqtt.url, the network and the firewall (TCP 8883 for mqtts)",
  async run(context, signal) {
    const { config, secrets } = loadedOf(context);
    const topic = tillTopic(config.mqtt.topicPrefix, config.vipps.msn, config.till.id, "status");
    let base: IClientOptions;
    try {
      base = linkClientOptions(config, secrets, topic);
    } catch (error) {
      return fail(
        errorMessage(error),
        "fix mqtt.tls (the files must exist and be readable by the service user)",
      );
    }
    const { will: _will, properties: _properties, ...rest } = base;
    const options: IClientOptions = {
      ...rest,
      clientId: `pos-agent-doctor-${config.till.id}-${randomBytes(3).toString("hex")}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    };
    const client = mqtt.connect(config.mqtt.url, options);
    const stop = (): void => void client.end(true);
    signal.addEventListener("abort", stop, { once: true });
    try {
      return await probe(client, topic, config.mqtt.url, config.mqtt.protocolVersion);
    } finally {
      signal.removeEventListener("abort", stop);
      await client.endAsync(true).catch(() => undefined);
    }
  },
};

function probe(client: MqttClient, topic: string, url: string, version: 4 | 5): Promise<Outcome> {
  return new Promise((resolve) => {
    let retained: string | undefined;
    client.once("error", (error) => {
      const text = errorMessage(error);
      const auth = /not authori[sz]ed|bad user ?name or password|135|134/i.test(text);
      resolve(
        fail(
          `${url}: ${text}`,
          auth
            ? "the broker refused the till's login: check mqtt.username, the mqtt-password secret and the broker's ACL"
            : "is the broker reachable from here? check mqtt.url, DNS, the firewall, and the clock for TLS",
        ),
      );
    });
    client.once("close", () =>
      resolve(fail(`${url}: the broker closed the connection`, "check mqtt.url and the broker's log")),
    );
    client.on("message", (_topic, payload) => {
      retained = payload.toString("utf8");
    });
    client.once("connect", () => {
      client.subscribe(topic, { qos: 1 }, (error, granted) => {
        const qos = granted?.[0]?.qos;
        if (error !== null && error !== undefined) {
          resolve(
            fail(
              `subscribe to ${topic}: ${errorMessage(error)}`,
              "the broker's ACL must let the till read its subtree",
            ),
          );
          return;
        }
        if (qos === undefined || qos >= 128) {
          resolve(
            fail(
              `the broker refused a subscription to ${topic}`,
              "the broker's ACL must let the till read its subtree (docs/mqtt-contract.md)",
            ),
          );
          return;
        }
        // A retained status arrives right after the SUBACK when there is one.
        setTimeout(() => {
          const seen =
            retained === undefined ? "no status retained yet" : `the till's retained status is "${retained}"`;
          resolve(
            ok(
              `connected to ${url} (MQTT ${version === 5 ? "5" : "3.1.1"}) and subscribed to ${topic}; ${seen}`,
            ),
          );
        }, 300);
      });
    });
  });
}
