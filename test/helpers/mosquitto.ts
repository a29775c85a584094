import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import { join } from "node:path";
import { killWithParent } from "../../bench/orphan-guard.js";
import { tempDir } from "./temp-dir.js";

/**
 * A real mosquitto (apt package `mosquitto`, 2.x) for integration tests: started on a free
 * loopback port with a generated config, optionally with users, an ACL and a TLS listener;
 * stopped and started again on the same port with its persistence file, so tests can restart
 * the broker mid-stream; everything (process, temp dir) removed by `cleanup()`.
 *
 *   const broker = await startMosquitto();
 *   afterAll(() => broker.cleanup());
 *   mqtt.connect(broker.url) …; await broker.restart();
 */
export interface MosquittoOptions {
  /** Keep sessions and queued messages across `stop()`/`start()` (written at shutdown). Default true. */
  persistence?: boolean;
  /** Also write the persistence file after every change, so a `kill()` (crash) loses nothing. Default false. */
  saveOnEveryChange?: boolean;
  /** Users and their passwords; when given, anonymous clients are refused. */
  users?: Readonly<Record<string, string>>;
  /** ACL file text (mosquitto `acl_file` syntax). */
  acl?: string;
  /** Serve MQTT over TLS (the URL becomes mqtts://). PEM file paths. */
  tls?: { caFile: string; certFile: string; keyFile: string; requireCertificate?: boolean };
  /** More mosquitto.conf lines. */
  extraConfig?: readonly string[];
  /**
   * A configuration of the broker's own (e.g. the documented deploy/mosquitto/pos-agent.conf)
   * instead of the helper's listener, users, ACL and queue lines: given the free port, the lines
   * that define the listener and everything else. `secure`: that listener speaks TLS.
   */
  configured?: { readonly lines: (port: number) => readonly string[]; readonly secure: boolean };
}

export interface MosquittoBroker {
  readonly host: string;
  readonly port: number;
  /** `mqtt://127.0.0.1:<port>` or `mqtts://localhost:<port>` with TLS. */
  readonly url: string;
  readonly running: boolean;
  /** Graceful stop (SIGTERM): mosquitto writes its persistence file, then exits. */
  stop(): Promise<void>;
  /** A crash (SIGKILL): whatever was not yet persisted is gone. */
  kill(): Promise<void>;
  /** Starts again on the same port with the same config and persistence file. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Replaces the ACL file (the broker must have been started with `acl`) and makes mosquitto re-read it (SIGHUP). */
  setAcl(text: string): Promise<void>;
  /** Makes mosquitto re-read its password and ACL files (SIGHUP), as `systemctl reload mosquitto` does. */
  reload(): Promise<void>;
  /** The broker's log so far (for failure messages). */
  logs(): string;
  /** Stops the broker and removes its directory. Safe to call twice. */
  cleanup(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function writeConfig(dir: string, port: number, options: MosquittoOptions): string {
  const lines = [
    // Run as whoever runs the tests (as root mosquitto would otherwise switch to user `mosquitto`
    // and could not write its persistence file in our temp dir).
    `user ${userInfo().username}`,
    "log_dest stderr",
    "log_type error",
    "log_type warning",
    "log_type notice",
    "log_type information",
    "connection_messages true",
  ];
  if (options.persistence ?? true) {
    lines.push("persistence true", `persistence_location ${dir}/`, "persistence_file mosquitto.db");
    if (options.saveOnEveryChange === true) lines.push("autosave_on_changes true", "autosave_interval 1");
  }
  if (options.configured !== undefined) {
    lines.push(...options.configured.lines(port));
    const file = join(dir, "mosquitto.conf");
    writeFileSync(file, `${lines.join("\n")}\n`);
    return file;
  }
  lines.push(
    `listener ${port} 127.0.0.1`,
    // mosquitto's default of 1000 queued messages per offline client would silently drop the
    // excess; tests with large bursts must not depend on that default.
    "max_queued_messages 100000",
  );
  if (options.users === undefined) {
    lines.push("allow_anonymous true");
  } else {
    const passwordFile = join(dir, "passwords");
    writeFileSync(passwordFile, "", { mode: 0o600 });
    for (const [user, password] of Object.entries(options.users)) {
      execFileSync("mosquitto_passwd", ["-b", passwordFile, user, password], { stdio: "ignore" });
    }
    chmodSync(passwordFile, 0o600);
    lines.push("allow_anonymous false", `password_file ${passwordFile}`);
  }
  if (options.acl !== undefined) {
    const aclFile = join(dir, "acl");
    writeFileSync(aclFile, options.acl, { mode: 0o600 });
    lines.push(`acl_file ${aclFile}`);
  }
  if (options.tls !== undefined) {
    lines.push(
      `cafile ${options.tls.caFile}`,
      `certfile ${options.tls.certFile}`,
      `keyfile ${options.tls.keyFile}`,
      `require_certificate ${options.tls.requireCertificate === true ? "true" : "false"}`,
    );
  }
  lines.push(...(options.extraConfig ?? []));
  const file = join(dir, "mosquitto.conf");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** Spawns mosquitto and resolves once it reports it is running, or rejects with its log. */
function spawnBroker(configFile: string, dir: string, log: { text: string }): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn("mosquitto", ["-c", configFile], { stdio: ["ignore", "pipe", "pipe"] });
    live.add(child);
    killWithParent(child.pid, dir);
    let settled = false;
    let own = "";
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString("utf8");
      log.text += text;
      own += text;
      if (!settled && /mosquitto version \S+ running/.test(own)) {
        settled = true;
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) => {
      live.delete(child);
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
    child.once("exit", (code, signal) => {
      live.delete(child);
      if (!settled) {
        settled = true;
        reject(new Error(`mosquitto exited (${code ?? signal}) before it was ready:\n${own}`));
      }
    });
  });
}

/**
 * Signals until the process exits. mosquitto can miss a SIGTERM that arrives in the instant
 * after it reports "running" (it (re)arms its run flag as it enters its main loop), so the
 * signal is repeated; after `escalateMs` a SIGTERM becomes a SIGKILL.
 */
function waitForExit(child: ChildProcess, signal: NodeJS.Signals, escalateMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const started = Date.now();
    const repeat = setInterval(() => child.kill(Date.now() - started > escalateMs ? "SIGKILL" : signal), 250);
    child.once("exit", () => {
      clearInterval(repeat);
      resolve();
    });
    child.kill(signal);
  });
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<MosquittoBroker> {
  const dir = tempDir("pos-mosquitto-");
  const log = { text: "" };
  let child: ChildProcess | undefined;
  let port = 0;
  let configFile = "";
  // Another process may take the free port between our probe and mosquitto's bind: try again.
  for (let attempt = 0; child === undefined; attempt++) {
    port = await freePort();
    configFile = writeConfig(dir.path, port, options);
    try {
      child = await spawnBroker(configFile, dir.path, log);
    } catch (error) {
      if (attempt >= 4) {
        dir.cleanup();
        throw error;
      }
    }
  }
  const secure = options.tls !== undefined || options.configured?.secure === true;
  const host = secure ? "localhost" : "127.0.0.1";
  const url = `${secure ? "mqtts" : "mqtt"}://${host}:${port}`;
  let cleaned = false;

  const broker: MosquittoBroker = {
    host,
    port,
    url,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async stop() {
      if (child !== undefined) await waitForExit(child, "SIGTERM");
    },
    async kill() {
      if (child !== undefined) await waitForExit(child, "SIGKILL");
    },
    async start() {
      if (broker.running) return;
      // The port was ours a moment ago; mosquitto binds with SO_REUSEADDR, so TIME_WAIT is no
      // obstacle. Retry briefly in case the old socket is still being torn down.
      for (let attempt = 0; ; attempt++) {
        try {
          child = await spawnBroker(configFile, dir.path, log);
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    async restart() {
      await broker.stop();
      await broker.start();
    },
    async setAcl(text) {
      if (options.acl === undefined) throw new Error("setAcl needs a broker started with an acl");
      writeFileSync(join(dir.path, "acl"), text, { mode: 0o600 });
      await broker.reload();
    },
    async reload() {
      const before = log.text.length;
      child?.kill("SIGHUP");
      // mosquitto logs "Reloading config." when it handles the signal.
      for (let i = 0; i < 100 && !log.text.slice(before).includes("Reloading config"); i++)
        await new Promise((r) => setTimeout(r, 50));
    },
    logs: () => log.text,
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      await broker.kill();
      dir.cleanup();
    },
  };
  return broker;
}
