import { createRequire } from "node:module";
import { connect as netConnect, isIP } from "node:net";
import type { Duplex } from "node:stream";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { MqttClient, type IClientOptions } from "mqtt";

const require = createRequire(import.meta.url);

/** What mqtt.js reads and writes instead of the raw socket (the till's packet-size guard). */
export type StreamWrapper = (socket: Duplex) => Duplex;

const asIs: StreamWrapper = (socket) => socket;

/**
 * `mqtt.connect(url, options)` with each connection's socket passed through `wrap`.
 *
 * `mqtt://` and `mqtts://` without loading the rest of mqtt.js: its `connect` requires the
 * WebSocket stack (`ws`) and the SOCKS proxy client (`socks`, `ip-address`) for the first
 * connection, transports a till on plain TCP or TLS never uses. Measured on the development
 * machine: loading and connecting in a fresh process took 240 ms and 62 MB RSS through
 * `mqtt.connect`, 125 ms and 53 MB through this. The client is mqtt.js's own `MqttClient`; only
 * the socket is opened here, the way mqtt.js's tcp and tls stream builders do (default ports 1883
 * / 8883, SNI from a host name, TLS errors reported as client errors; no SOCKS proxy from
 * MQTTJS_SOCKS_PROXY). `ws://` and `wss://` get mqtt.js's WebSocket stream builder, loaded on
 * first use.
 */
export function connectMqttBroker(
  url: string,
  options: IClientOptions,
  wrap: StreamWrapper = asIs,
): MqttClient {
  const parsed = new URL(url);
  const protocol = parsed.protocol.replace(/:$/, "");
  if (protocol === "ws" || protocol === "wss") {
    const host = bareHost(parsed);
    const opts: IClientOptions = {
      ...options,
      protocol,
      host,
      hostname: host,
      ...(parsed.port === "" ? {} : { port: Number(parsed.port) }),
      path: `${parsed.pathname}${parsed.search}`,
    };
    return new MqttClient((client) => wrap(webSocketStream(client, opts)), opts);
  }
  const target = socketTarget(url);
  return new MqttClient((client) => wrap(openSocket(client, target, options)), {
    ...options,
    protocol: target.protocol,
    host: target.host,
    hostname: target.host,
    port: target.port,
  });
}

/**
 * One mqtt.js client for the nodes of a broker cluster: every (re)connection mqtt.js makes goes
 * to the next URL in turn, so a client whose node died reconnects to another one (after
 * mqtt.js's `reconnectPeriod`). `mqtt://` and `mqtts://` only; each URL gets its own host name
 * for TLS (mqtt.js's own `servers` option keeps the first node's name for every node's SNI and
 * certificate check). `onAttempt` hears which URL each attempt goes to.
 */
export function connectMqttNodes(
  urls: readonly string[],
  options: IClientOptions,
  onAttempt: (url: string) => void = () => undefined,
  wrap: StreamWrapper = asIs,
): MqttClient {
  const targets = urls.map((url) => {
    const protocol = new URL(url).protocol;
    if (protocol !== "mqtt:" && protocol !== "mqtts:")
      throw new Error(`several broker URLs must be mqtt:// or mqtts://, got ${url}`);
    return { url, target: socketTarget(url) };
  });
  const first = targets[0];
  if (first === undefined) throw new Error("connectMqttNodes needs at least one URL");
  let next = 0;
  return new MqttClient(
    (client) => {
      const node = targets[next % targets.length] ?? first;
      next += 1;
      onAttempt(node.url);
      return wrap(openSocket(client, node.target, options));
    },
    { ...options, protocol: first.target.protocol },
  );
}

interface SocketTarget {
  readonly protocol: "mqtt" | "mqtts";
  readonly host: string;
  readonly port: number;
}

/** WHATWG URLs keep an IPv6 literal's brackets; sockets want the bare address. */
function bareHost(parsed: URL): string {
  return parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost";
}

/** Where a plain or TLS socket goes for an `mqtt://` or `mqtts://` URL. */
function socketTarget(url: string): SocketTarget {
  const parsed = new URL(url);
  const protocol = parsed.protocol.replace(/:$/, "");
  if (protocol !== "mqtt" && protocol !== "mqtts")
    throw new Error(`unsupported MQTT URL scheme ${protocol}:`);
  const port = parsed.port === "" ? (protocol === "mqtts" ? 8883 : 1883) : Number(parsed.port);
  return { protocol, host: bareHost(parsed), port };
}

function openSocket(client: MqttClient, target: SocketTarget, options: IClientOptions): Duplex {
  return target.protocol === "mqtts"
    ? tlsStream(client, target.host, target.port, options)
    : netConnect({ host: target.host, port: target.port });
}

function tlsStream(client: MqttClient, host: string, port: number, options: IClientOptions): TLSSocket {
  const rejectUnauthorized = options.rejectUnauthorized !== false;
  const socket = tlsConnect({
    host,
    port,
    ...(isIP(host) === 0 ? { servername: options.servername ?? host } : {}),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.cert === undefined ? {} : { cert: options.cert }),
    ...(options.key === undefined ? {} : { key: options.key }),
    rejectUnauthorized,
  });
  // Until the handshake completes a TLS error is the client's (as in mqtt.js's tls builder).
  const onHandshakeError = (error: Error): void => {
    if (rejectUnauthorized) client.emit("error", error);
    socket.end();
  };
  socket.on("error", onHandshakeError);
  socket.on("secureConnect", () => {
    if (rejectUnauthorized && !socket.authorized) socket.emit("error", new Error("TLS not authorized"));
    else socket.removeListener("error", onHandshakeError);
  });
  return socket;
}

type StreamBuilder = (client: MqttClient, options: IClientOptions) => Duplex;
let wsBuilder: StreamBuilder | undefined;

/** mqtt.js's WebSocket stream (module `ws`), loaded on first use (WebSocket brokers only). */
function webSocketStream(client: MqttClient, options: IClientOptions): Duplex {
  wsBuilder ??= (require("mqtt/lib/connect/ws") as { streamBuilder: StreamBuilder }).streamBuilder;
  return wsBuilder(client, options);
}
