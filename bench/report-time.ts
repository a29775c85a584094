import { spawn } from "node:child_process";
import { AGENT_BIN } from "./daemon-process.js";
import { percentile, round } from "./stats.js";

/**
 * `pos-agent report --date <date> --json` as a technician runs it, start to exit, the median of
 * `runs`: node starting, the bundle loading, the journal opened read-only and the day read.
 */
export async function timeReport(configFile: string, date: string, runs = 3): Promise<number> {
  const times: number[] = [];
  for (let n = 0; n < runs; n++) {
    const started = performance.now();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [AGENT_BIN, "report", "--config", configFile, "--date", date, "--json"],
        {
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      let err = "";
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
      child.once("error", reject);
      child.once("close", (exit) => resolve({ code: exit, stderr: err }));
    });
    if (code !== 0) throw new Error(`pos-agent report exited ${code}: ${stderr}`);
    times.push(performance.now() - started);
  }
  return round(percentile(times, 50), 0);
}
