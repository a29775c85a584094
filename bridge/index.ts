/**
 * The cloud webhook → MQTT bridge (docs/architecture.md, docs/mqtt-contract.md).
 *
 * Programmatic entry, for the demo and tests (the `pos-bridge serve` CLI does the same from the
 * environment):
 *
 *   const bridge = await startBridge({
 *     publicUrl: "https://bridge.example.com/vipps/webhook", // the URL registered at Vipps
 *     webhookSecrets: ["123456:<secret from register-webhook>"], // <msn>:<secret>; several while rotating
 *     mqtt: { url: "mqtt://127.0.0.1:1883", protocolVersion: 5 }, // 4 for aedes
 *     port: 0,                                               // default: a free port on 127.0.0.1
 *   });
 *   // POST webhooks to `${bridge.url}${bridge.webhookPath}`; GET /healthz, GET /metrics
 *   bridge.counters.published; bridge.brokerConnected;
 *   await bridge.close(); // stop accepting, finish in-flight publishes, disconnect
 *
 * Contract per webhook: signature verified on the raw bytes first (401, nothing published), its
 * date within the replay window (401) and its MSN bound to the signing secret (403);
 * body over the limit 413; malformed JSON 400; then the envelope is published QoS 1 to the
 * till's webhook topic (or to `_unrouted`) and the answer is 200 only after the broker's PUBACK,
 * else 503 so Vipps retries. The bridge keeps no state: run as many replicas as you like.
 */
export { startBridge, type RunningBridge } from "./server.js";
