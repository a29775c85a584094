import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./cli.js";
import { startMosquitto, type MosquittoBroker } from "./mosquitto.js";
import { tempDir } from "./temp-dir.js";
import { createTestPki } from "../../bench/test-pki.js";

/**
 * A real mosquitto on the documented broker set-up, deploy/mosquitto/, exactly as an operator
 * installs it: pos-agent.conf as written — only its directory (/etc/mosquitto/pos/) moves to a
 * temporary one and its listener (8883) to a free loopback port — with a TLS certificate for
 * localhost, and every user made by broker-user.sh. So the tests prove what the documents say.
 *
 *   const broker = await startDocumentedBroker([["till", "123456", "kasse1"], ["bridge", "a"]]);
 *   broker.logins["till-123456-kasse1"] // { username, password }
 *   mqtt.connect(broker.url, { ca: readFileSync(broker.caFile), ...login })
 */
export const MOSQUITTO_DEPLOY_DIR = join(REPO_ROOT, "deploy", "mosquitto");
const DOCUMENTED_DIR = "/etc/mosquitto/pos/";
const DOCUMENTED_LISTENER = /^listener 8883$/m;

export interface BrokerLogin {
  readonly username: string;
  readonly password: string;
}

export interface DocumentedBroker {
  readonly broker: MosquittoBroker;
  /** mqtts://localhost:<port> */
  readonly url: string;
  /** The CA that signed the broker's certificate (clients' `ca`, the till's `mqtt.tls.caFile`). */
  readonly caFile: string;
  /** The users broker-user.sh made, by user name. */
  readonly logins: Readonly<Record<string, BrokerLogin>>;
  /** Runs broker-user.sh in the broker's directory; returns what it printed (the password). */
  brokerUser(args: readonly string[]): string;
  cleanup(): Promise<void>;
}

function userNames(passwordFile: string): string[] {
  if (!existsSync(passwordFile)) return [];
  return readFileSync(passwordFile, "utf8")
    .split("\n")
    .filter((line) => line.includes(":"))
    .map((line) => line.slice(0, line.indexOf(":")));
}

/** The documented pos-agent.conf with its directory and listener moved; throws if the file changed shape. */
function documentedConfig(dir: string, port: number): string[] {
  const text = readFileSync(join(MOSQUITTO_DEPLOY_DIR, "pos-agent.conf"), "utf8");
  if (!text.includes(DOCUMENTED_DIR) || !DOCUMENTED_LISTENER.test(text))
    throw new Error(`deploy/mosquitto/pos-agent.conf no longer has ${DOCUMENTED_DIR} and "listener 8883"`);
  return text
    .replaceAll(DOCUMENTED_DIR, `${dir}/`)
    .replace(DOCUMENTED_LISTENER, `listener ${port} 127.0.0.1`)
    .split("\n");
}

export async function startDocumentedBroker(
  users: readonly (readonly string[])[],
  options: { persistence?: boolean } = {},
): Promise<DocumentedBroker> {
  const dir = tempDir("pos-documented-broker-");
  const brokerUser = (args: readonly string[]): string =>
    execFileSync(join(MOSQUITTO_DEPLOY_DIR, "broker-user.sh"), ["-d", dir.path, ...args], {
      encoding: "utf8",
    }).trim();
  try {
    const logins: Record<string, BrokerLogin> = {};
    for (const args of users) {
      const before = new Set(userNames(join(dir.path, "passwords")));
      const password = brokerUser(args);
      const added = userNames(join(dir.path, "passwords")).filter((name) => !before.has(name));
      if (added.length !== 1 || added[0] === undefined)
        throw new Error(`broker-user.sh ${args.join(" ")} added ${added.length} users`);
      logins[added[0]] = { username: added[0], password };
    }
    const pkiDir = join(dir.path, "pki");
    mkdirSync(pkiDir);
    const pki = createTestPki(pkiDir);
    copyFileSync(pki.serverCertFile, join(dir.path, "broker.crt"));
    copyFileSync(pki.serverKeyFile, join(dir.path, "broker.key"));
    const broker = await startMosquitto({
      persistence: options.persistence ?? false,
      configured: { lines: (port) => documentedConfig(dir.path, port), secure: true },
    });
    return {
      broker,
      url: broker.url,
      caFile: pki.caFile,
      logins,
      brokerUser,
      async cleanup() {
        await broker.cleanup();
        dir.cleanup();
      },
    };
  } catch (error) {
    dir.cleanup();
    throw error;
  }
}
