import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadConfig, type LoadedConfig } from "../config/load.js";
import { SECRET_FILES } from "../config/secrets.js";
import { JOURNAL_FILE } from "../agent/journal/journal-access.js";
import { Journal } from "../agent/journal/journal.js";
import { migrateLinkStore } from "../agent/mqtt/link-migrations.js";
import { openDatabase } from "../agent/store/database.js";

/** The files a simulation process shares between its trials: the config and an empty journal. */

export const TILL = "kasse1";
export const WEBHOOK_URL = "https://bridge.sim.invalid/vipps/webhook";

/** Where trial files go: tmpfs when there is one (a crash copies the journal; fsync is free there). */
export function scratchRoot(): string {
  return existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
}

let shared: string | undefined;
/** This process's directory for what its trials share, removed when it exits. */
function sharedDir(root: string): string {
  if (shared !== undefined) return shared;
  // Per process, not a fixed path: other runs on the machine (other users, CI jobs) use the same root.
  const dir = mkdtempSync(join(root, "vopr-config-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  shared = dir;
  return dir;
}

let baseConfig: LoadedConfig | undefined;
/** The till's config, read once per process through the daemon's own loader. */
export function configTemplate(root: string): LoadedConfig {
  if (baseConfig !== undefined) return baseConfig;
  const dir = sharedDir(root);
  mkdirSync(join(dir, "secrets"), { recursive: true, mode: 0o700 });
  const secret = (name: string, value: string): void =>
    writeFileSync(join(dir, "secrets", name), `${value}\n`, { mode: 0o600 });
  secret(SECRET_FILES.clientSecret, "sim-client-secret");
  secret(SECRET_FILES.subscriptionKey, "sim-subscription-key");
  secret(SECRET_FILES.webhookSecrets, "set-per-trial");
  writeFileSync(
    join(dir, "pos-agent.yaml"),
    stringify({
      vipps: {
        baseUrl: "http://127.0.0.1:9",
        clientId: "sim",
        msn: "123456",
        currency: "NOK",
        webhookUrl: WEBHOOK_URL,
        requestTimeoutMs: 10_000,
      },
      till: { id: TILL, locationDescription: "Simulated till" },
      mqtt: { url: "mqtt://127.0.0.1:9", reconnectMinMs: 500, reconnectMaxMs: 5_000 },
      register: { path: join(dir, "register-cable") },
      display: { language: "en" },
      storage: { directory: join(dir, "state") },
      control: { socketPath: join(dir, "control.sock") },
    }),
  );
  baseConfig = loadConfig(join(dir, "pos-agent.yaml"), {});
  return baseConfig;
}

let emptyJournalFile: string | undefined;
/**
 * Puts an empty journal in `dir`, as the till's first start after `pos-agent setup` finds it: a
 * database the agent's own code created and migrated (journal and MQTT link tables) and closed,
 * so everything is in the main file and there is no WAL. Built once per process and copied per
 * trial: creating a database and running every migration was a third of a start-up, and the
 * first process of every trial paid it. The copy is an ordinary file in WAL mode with the
 * daemon's pragmas (openDatabase sets them at each start); nothing a crash can lose lives only
 * in memory, so the crash model does not change (docs/simulation.md).
 */
export function emptyJournal(root: string, dir: string): void {
  if (emptyJournalFile === undefined) {
    const template = join(sharedDir(root), "empty-journal");
    const db = openDatabase(join(template, JOURNAL_FILE));
    new Journal(db);
    migrateLinkStore(db);
    db.close();
    emptyJournalFile = join(template, JOURNAL_FILE);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  copyFileSync(emptyJournalFile, join(dir, JOURNAL_FILE));
}
