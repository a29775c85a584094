import type { EnvReader } from "./env-reader.js";

/**
 * The broker connection of a cloud service (`pos-bridge`, `pos-fleet`) from the environment:
 * MQTT_URL, MQTT_PROTOCOL_VERSION, MQTT_USERNAME, MQTT_PASSWORD(_FILE), MQTT_CA, MQTT_CERT,
 * MQTT_KEY, MQTT_REJECT_UNAUTHORIZED, MQTT_CLIENT_ID — one meaning for every service that reads
 * them (docs/mqtt-contract.md §Running the bridge, docs/fleet.md). Problems go to the reader.
 */
export interface MqttEnvSettings {
  /**
   * The broker (mqtt://, mqtts://, ws:// or wss://), or the nodes of one broker cluster
   * (mqtt:// or mqtts://, MQTT_URL comma-separated), each (re)connection going to the next.
   */
  readonly urls: readonly string[];
  /** 5 (default) or 4 (MQTT 3.1.1, e.g. the demo's embedded aedes). */
  readonly protocolVersion: 4 | 5;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  /** PEM files. */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly rejectUnauthorized: boolean;
}

/** `defaultClientId` is called only when MQTT_CLIENT_ID is unset. Undefined when MQTT_URL is missing or bad. */
export function readMqttEnv(reader: EnvReader, defaultClientId: () => string): MqttEnvSettings | undefined {
  const { problems, get, secret, urls, readableFile: readable } = reader;
  const mqttUrls = urls("MQTT_URL", /^(mqtts?|wss?):$/, "an mqtt://, mqtts://, ws:// or wss:// URL");
  if (mqttUrls !== undefined && mqttUrls.length > 1 && mqttUrls.some((u) => !/^mqtts?:$/.test(u.protocol)))
    problems.push("MQTT_URL: several URLs (cluster nodes) must each be mqtt:// or mqtts://");
  const versionText = get("MQTT_PROTOCOL_VERSION");
  let protocolVersion: 4 | 5 = 5;
  if (versionText === "4") protocolVersion = 4;
  else if (versionText !== undefined && versionText !== "5")
    problems.push(`MQTT_PROTOCOL_VERSION: expected 4 (MQTT 3.1.1) or 5, got "${versionText}"`);
  const username = get("MQTT_USERNAME");
  // An empty file (a systemd credential left at its empty default) means "no password".
  const password = secret("MQTT_PASSWORD") || undefined;
  if (password !== undefined && username === undefined)
    problems.push("MQTT_PASSWORD: set without MQTT_USERNAME");
  const caFile = readable("MQTT_CA");
  const certFile = readable("MQTT_CERT");
  const keyFile = readable("MQTT_KEY");
  if ((get("MQTT_CERT") === undefined) !== (get("MQTT_KEY") === undefined))
    problems.push("MQTT_CERT and MQTT_KEY: set both (a client certificate and its key) or neither");
  const rejectText = get("MQTT_REJECT_UNAUTHORIZED");
  if (rejectText !== undefined && rejectText !== "true" && rejectText !== "false")
    problems.push(`MQTT_REJECT_UNAUTHORIZED: expected true or false, got "${rejectText}"`);
  const clientId = get("MQTT_CLIENT_ID") ?? defaultClientId();
  if (mqttUrls === undefined) return undefined;
  return {
    urls: mqttUrls.map((u) => u.href),
    protocolVersion,
    clientId,
    rejectUnauthorized: rejectText !== "false",
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(caFile === undefined ? {} : { caFile }),
    ...(certFile === undefined ? {} : { certFile }),
    ...(keyFile === undefined ? {} : { keyFile }),
  };
}
