import { writeFileSync } from "node:fs";

/**
 * Preloaded into a command the benchmark measures (`node --import <this> …`): at exit, writes
 * the process's peak resident set size (kB, getrusage's ru_maxrss) to the file named by
 * POS_BENCH_PEAK_RSS_FILE. The command itself knows nothing of it.
 */
const file = process.env.POS_BENCH_PEAK_RSS_FILE;
if (file !== undefined && file !== "") {
  process.once("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
}
