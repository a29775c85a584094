/**
 * The bridge ⇄ agent MQTT contract (docs/mqtt-contract.md): topic names,
 * QoS/retain per topic, the webhook envelope, routing of webhooks to tills, the sale event and
 * the health message.
 * Both sides import it from here so they cannot drift apart.
 */
export * from "./topics.js";
export * from "./envelope.js";
export * from "./limits.js";
export * from "./route.js";
export * from "./sale-event.js";
export * from "./health.js";
