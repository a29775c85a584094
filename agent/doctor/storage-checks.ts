import { existsSync, statfsSync } from "node:fs";
import { dirname, join } from "node:path";
import { errorMessage, isAgentError } from "../../lib/errors.js";
import { JOURNAL_FILE, withJournal } from "../journal/journal-access.js";
import { QR_CONTENT_KEY } from "../runtime/agent.js";
import { fail, ok, warn, type Check } from "./check.js";
import { configOf, type DoctorContext } from "./context.js";

/** Below this the journal may fail to commit a sale: fail. */
const DISK_FAIL_BYTES = 50 * 1024 * 1024;
/** Below this it is time to clean up: warn. */
const DISK_WARN_BYTES = 200 * 1024 * 1024;

function size(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 10 || unit === 0 ? 0 : 1)} ${units[unit] ?? "B"}`;
}

/** Free space where the journal lives (its nearest existing directory before the first start). */
export const diskCheck: Check<DoctorContext> = {
  id: "disk",
  title: "disk",
  needs: ["config"],
  timeoutMs: 3_000,
  run(context) {
    let directory = configOf(context).storage.directory;
    while (!existsSync(directory) && dirname(directory) !== directory) directory = dirname(directory);
    const stats = statfsSync(directory);
    const free = stats.bavail * stats.bsize;
    const total = stats.blocks * stats.bsize;
    const detail = `${size(free)} free of ${size(total)} at ${directory}`;
    if (free < DISK_FAIL_BYTES)
      return fail(
        detail,
        "the journal needs room to record sales: sudo journalctl --vacuum-size=100M; remove old files; a bigger SD card",
      );
    if (free < DISK_WARN_BYTES)
      return warn(
        detail,
        "clean up soon: sudo journalctl --vacuum-size=100M; old backups in /var/lib/pos-agent/backups",
      );
    return ok(detail);
  },
};

/**
 * SQLite's integrity check of the journal, read-only (as the journal's owner when run by root),
 * and the cached QR text for the QR check. Exclusive: see journal-access.ts.
 */
export const journalCheck: Check<DoctorContext> = {
  id: "journal",
  title: "journal",
  needs: ["config"],
  exclusive: true,
  timeoutMs: 30_000,
  run(context) {
    const directory = configOf(context).storage.directory;
    const file = join(directory, JOURNAL_FILE);
    if (!existsSync(file))
      return warn(
        `no journal yet at ${file}`,
        "the agent creates it at its first start: sudo systemctl start pos-agent",
      );
    try {
      const found = withJournal(directory, "read", (journal, db) => ({
        integrity: journal.integrityCheck(),
        qr: journal.meta(QR_CONTENT_KEY),
        sales: (db.prepare("SELECT COUNT(*) AS n FROM journal_sales").get() as { n: number }).n,
      }));
      if (found.qr !== undefined) context.cachedQr = found.qr;
      if (found.integrity.length === 1 && found.integrity[0] === "ok")
        return ok(`${file}: integrity ok, ${found.sales} sales kept`);
      return fail(
        `${file}: ${found.integrity.slice(0, 3).join("; ")}`,
        'the journal is damaged: stop the agent and restore the newest backup (docs/operations.md, "Backing up the journal")',
      );
    } catch (error) {
      const code = isAgentError(error) ? error.code : "";
      if (code === "JOURNAL_OUTDATED")
        return warn(errorMessage(error), "start the agent once: sudo systemctl start pos-agent");
      if (code === "JOURNAL_NO_ACCESS") return fail(errorMessage(error), "run the doctor with sudo");
      return fail(
        `${file}: ${errorMessage(error)}`,
        'the file may be damaged: restore the newest backup (docs/operations.md, "Backing up the journal")',
      );
    }
  },
};
