import { spawn } from "node:child_process";
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";

/**
 * `npm run bench:loyalty [-- --mb N]`: peak memory of `pos-agent loyalty import` and `export`
 * on a generated members CSV of N MB (default 35, every column filled, as an export writes it),
 * run as a technician runs them: the built CLI in its own process. Target (issue 21): memory
 * bounded whatever the file's size — a 512 MB Pi must import any file.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "dist/bundle/pos-agent.js");
const PEAK = join(ROOT, "dist/bench/peak-rss.js");

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i === -1 ? undefined : Number(process.argv[i + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** A members CSV of at least `bytes`, one distinct member per row. */
async function generate(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  const write = (text: string): Promise<void> =>
    out.write(text) ? Promise.resolve() : new Promise((resolve) => out.once("drain", () => resolve()));
  await write("member_id,msisdn,tier,display_name,sub,enrolled_at,consented_at,last_seen_at,claims\r\n");
  let written = 0;
  let rows = 0;
  while (written < bytes) {
    const n = String(rows).padStart(8, "0");
    const line = `M${n}AB,47${n},Gull,Åse,${n}-d9e1-4c5d-939a-177d752a0944,2026-03-01T10:15:00.000Z,2026-03-01T10:15:00.000Z,2026-03-02T09:00:00.000Z,"{""given_name"":""Åse"",""family_name"":""Ødegård"",""email"":""ase${n}@example.com""}"\r\n`;
    await write(line);
    written += Buffer.byteLength(line);
    rows++;
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return rows;
}

/** Runs the built CLI with the peak-RSS preload; resolves with its exit code, peak RSS (MB) and time. */
function measured(
  args: readonly string[],
  dir: string,
): Promise<{ code: number | null; peakMb: number; seconds: number }> {
  const rssFile = join(dir, "peak-rss");
  rmSync(rssFile, { force: true });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", PEAK, CLI, ...args], {
      env: { ...process.env, POS_BENCH_PEAK_RSS_FILE: rssFile },
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        peakMb: Math.round(Number(readFileSync(rssFile, "utf8")) / 102.4) / 10,
        seconds: Math.round((performance.now() - started) / 100) / 10,
      }),
    );
  });
}

const megabytes = option("--mb", 35);
const json = process.argv.includes("--json");
const dir = mkdtempSync(join(tmpdir(), "pos-bench-loyalty-"));
try {
  const csv = join(dir, "members.csv");
  const rows = await generate(csv, megabytes * 1024 * 1024);
  mkdirSync(join(dir, "state"));
  const config = join(dir, "pos-agent.yaml");
  writeFileSync(
    config,
    stringify({
      vipps: {
        clientId: "bench",
        msn: "123456",
        currency: "NOK",
        webhookUrl: "https://bridge.example.com/w",
      },
      till: { id: "bench", locationDescription: "Bench" },
      mqtt: { url: "mqtt://127.0.0.1:1" },
      storage: { directory: join(dir, "state") },
      loyalty: { mode: "lookup", backend: "builtin" },
    }),
  );
  const imported = await measured(["loyalty", "import", csv, "--config", config], dir);
  const exported = await measured(["loyalty", "export", join(dir, "out.csv"), "--config", config], dir);
  const result = {
    fileMb: Math.round(statSync(csv).size / 104857.6) / 10,
    rows,
    importExit: imported.code,
    importPeakRssMb: imported.peakMb,
    importSeconds: imported.seconds,
    exportExit: exported.code,
    exportPeakRssMb: exported.peakMb,
    exportSeconds: exported.seconds,
  };
  process.stdout.write(
    json
      ? `${JSON.stringify(result)}\n`
      : [
          `members CSV: ${result.fileMb} MB, ${rows} rows`,
          `import: exit ${String(result.importExit)}, peak RSS ${result.importPeakRssMb} MB, ${result.importSeconds} s`,
          `export: exit ${String(result.exportExit)}, peak RSS ${result.exportPeakRssMb} MB, ${result.exportSeconds} s`,
          "",
        ].join("\n"),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
