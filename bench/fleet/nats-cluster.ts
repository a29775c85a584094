import { spawn, type ChildProcess } from "node:child_process";
import {
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../demo/free-port.js";
import { killWithParent } from "../orphan-guard.js";
import { cpuMs, rssMb } from "../daemon-process.js";
import { createTestPki, type TestPki } from "../test-pki.js";

/**
 * A real NATS cluster on loopback, started from the repository's deploy/nats/node.conf exactly
 * as a node in production reads it (everything per node comes from NATS_* variables), with the
 * given users.conf beside it and a throw-away PKI for its MQTT TLS listener. Nodes can be
 * killed (`kill -9`) and started again on the same ports and store. Used by the fleet tests
 * and `npm run bench:fleet`.
 */
interface NatsNode {
  readonly name: string;
  /** `mqtts://localhost:<port>` (the test certificate names localhost). */
  readonly mqttUrl: string;
  readonly monitorUrl: string;
  /** The NATS protocol port (operators' tools). */
  readonly clientPort: number;
  readonly running: boolean;
  readonly pid: number | undefined;
  /** SIGKILL: no goodbye to anyone, like a crashed machine (its files stay). */
  kill(): Promise<void>;
  /** Starts again with the same name, ports and store; resolves once it reports healthy. */
  start(): Promise<void>;
  /** SIGHUP: re-reads its config and users.conf (`systemctl reload nats-server`). */
  reload(): void;
  /** Resident memory, MB. */
  rssMb(): number;
  /** CPU time used so far (user + system), ms; NaN when not running. */
  cpuMs(): number;
}

export interface NatsCluster {
  readonly nodes: readonly NatsNode[];
  /** Replaces users.conf (every node reads the same file); `reload()` the nodes to apply it. */
  writeUsers(users: string): void;
  readonly mqttUrls: readonly string[];
  readonly pki: TestPki;
  readonly dir: string;
  /** Resolves once every running node is healthy and agrees on a JetStream meta leader. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Stops every node and removes the directory. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** deploy/nats/ of this repository, from the source tree (tests) or from dist/ (the bench). */
function deployNatsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "deploy", "nats", "node.conf"))) return join(dir, "deploy", "nats");
    dir = dirname(dir);
  }
  throw new Error("deploy/nats/node.conf not found above bench/fleet");
}

function natsServerBinary(): string {
  const fromEnv = process.env.NATS_SERVER_BIN;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return existsSync("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : "nats-server";
}

const START_TIMEOUT_MS = 180_000;

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export async function startNatsCluster(options: { users: string; size?: number }): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const dir = mkdtempSync(join(tmpdir(), "pos-nats-"));
  // The JetStream stores on tmpfs where there is one: a test or benchmark on a shared machine
  // then measures the cluster rather than its neighbours' disk traffic, and removing a
  // thousand sessions' consumer files takes a moment instead of a minute. (Production: disk.)
  const stores = existsSync("/dev/shm") ? mkdtempSync("/dev/shm/pos-nats-") : dir;
  const removeAll = (): void => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(stores, { recursive: true, force: true });
  };
  try {
    mkdirSync(join(dir, "pki"));
    const pki = createTestPki(join(dir, "pki"));
    copyFileSync(join(deployNatsDir(), "node.conf"), join(dir, "node.conf"));
    writeFileSync(join(dir, "users.conf"), options.users, { mode: 0o600 });
    const ports = [];
    for (let i = 0; i < size; i++) {
      ports.push({
        client: await freePort(),
        cluster: await freePort(),
        mqtt: await freePort(),
        monitor: await freePort(),
      });
    }
    const routes = `[${ports.map((p) => `nats-route://127.0.0.1:${p.cluster}`).join(", ")}]`;
    const nodes = ports.map((p, i) =>
      createNode(dir, stores, `nats-${i + 1}`, {
        NATS_SERVER_NAME: `nats-${i + 1}`,
        NATS_LISTEN_HOST: "127.0.0.1",
        NATS_CLIENT_PORT: String(p.client),
        NATS_MONITOR_PORT: String(p.monitor),
        NATS_CLUSTER_PORT: String(p.cluster),
        NATS_ROUTES: routes,
        NATS_MQTT_HOST: "127.0.0.1",
        NATS_MQTT_PORT: String(p.mqtt),
        NATS_STORE_DIR: join(stores, `nats-${i + 1}`),
        NATS_TLS_CERT: pki.serverCertFile,
        NATS_TLS_KEY: pki.serverKeyFile,
      }),
    );
    let cleaned = false;
    const cluster: NatsCluster = {
      nodes,
      mqttUrls: nodes.map((n) => n.mqttUrl),
      writeUsers: (users) => writeFileSync(join(dir, "users.conf"), users, { mode: 0o600 }),
      pki,
      dir,
      async waitReady(timeoutMs = START_TIMEOUT_MS) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const states = await Promise.all(
            nodes.filter((n) => n.running).map((n) => nodeState(n.monitorUrl)),
          );
          if (states.every((s) => s.healthy && s.leader !== undefined && s.leader === states[0]?.leader))
            return;
          if (Date.now() > deadline)
            throw new Error(`the NATS cluster did not become ready: ${JSON.stringify(states)}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      },
      async cleanup() {
        if (cleaned) return;
        cleaned = true;
        await Promise.all(nodes.map((n) => n.kill()));
        removeAll();
      },
    };
    try {
      await Promise.all(nodes.map((n) => n.start()));
      await cluster.waitReady();
    } catch (error) {
      await cluster.cleanup();
      throw error;
    }
    return cluster;
  } catch (error) {
    removeAll();
    throw error;
  }
}

async function nodeState(monitorUrl: string): Promise<{ healthy: boolean; leader?: string }> {
  try {
    const health = await fetch(`${monitorUrl}/healthz`);
    const jsz = (await (await fetch(`${monitorUrl}/jsz`)).json()) as { meta_cluster?: { leader?: string } };
    return {
      healthy: health.ok,
      ...(jsz.meta_cluster?.leader === undefined ? {} : { leader: jsz.meta_cluster.leader }),
    };
  } catch {
    return { healthy: false };
  }
}

function createNode(dir: string, stores: string, name: string, env: Record<string, string>): NatsNode {
  let child: ChildProcess | undefined;
  const log = createWriteStream(join(dir, `${name}.log`), { flags: "a" });
  const monitorUrl = `http://127.0.0.1:${env.NATS_MONITOR_PORT}`;
  const running = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;
  const node: NatsNode = {
    name,
    mqttUrl: `mqtts://localhost:${env.NATS_MQTT_PORT}`,
    monitorUrl,
    clientPort: Number(env.NATS_CLIENT_PORT),
    get running() {
      return running();
    },
    get pid() {
      return running() ? child?.pid : undefined;
    },
    async kill() {
      const current = child;
      if (current === undefined || !running()) return;
      const exited = new Promise<void>((resolve) => current.once("exit", () => resolve()));
      current.kill("SIGKILL");
      await exited;
    },
    async start() {
      if (running()) return;
      const started = spawn(natsServerBinary(), ["-c", join(dir, "node.conf")], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = started;
      live.add(started);
      started.once("exit", () => live.delete(started));
      started.stdout?.pipe(log, { end: false });
      started.stderr?.pipe(log, { end: false });
      killWithParent(started.pid, dir, stores);
      // A node restarted under a thousand sessions' consumers catches up on each before it
      // reports healthy: on a busy machine that takes a while.
      const deadline = Date.now() + START_TIMEOUT_MS;
      for (;;) {
        if (!running()) throw new Error(`${name} exited at start; see ${join(dir, `${name}.log`)}`);
        if ((await nodeState(monitorUrl)).healthy) return;
        if (Date.now() > deadline)
          throw new Error(`${name} did not report healthy within ${START_TIMEOUT_MS / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    reload() {
      if (running()) child?.kill("SIGHUP");
    },
    rssMb() {
      return child?.pid === undefined || !running() ? Number.NaN : rssMb(child.pid);
    },
    cpuMs() {
      return child?.pid === undefined || !running() ? Number.NaN : cpuMs(child.pid);
    },
  };
  return node;
}
