import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { builtFile } from "./built.js";
import { killWithParent } from "./orphan-guard.js";

/** The bundled CLI, as systemd runs it (rolldown.config.ts). */
export const AGENT_BIN = builtFile("bundle/pos-agent.js");

/**
 * The node flags of systemd/pos-agent.service's ExecStart (a test keeps them equal), so the
 * benchmark measures the daemon as it runs on a till (the unit's comment says why each flag).
 */
export const DAEMON_NODE_FLAGS = (
  process.env.BENCH_NODE_FLAGS ?? "--max-semi-space-size=1 --heap-growing-percent=25 --liftoff-only"
)
  .split(" ")
  .filter((f) => f !== "");

/**
 * The environment systemd/pos-agent.service gives the daemon (its `Environment=` lines; a test
 * keeps them equal): glibc's malloc arenas are part of the memory the bench measures.
 */
export const DAEMON_ENVIRONMENT: Readonly<Record<string, string>> = {
  NODE_ENV: "production",
  MALLOC_ARENA_MAX: "2",
};

/** `pos-agent run` as its own process, so its memory is its own; resolves once it serves. */
export async function startDaemon(
  configFile: string,
): Promise<{ child: ChildProcess; readyMs: number; stop(): Promise<void> }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, AGENT_BIN, "run", "--config", configFile], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...DAEMON_ENVIRONMENT, NOTIFY_SOCKET: "", CREDENTIALS_DIRECTORY: "" },
  });
  killWithParent(child.pid);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stderr.resume();
  const readyMs = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    const onData = (chunk: Buffer): void => {
      buffered = (buffered + chunk.toString("utf8")).slice(-10_000);
      // The daemon logs this (level info) right after telling systemd READY=1.
      if (!buffered.includes('"msg":"agent serving"')) return;
      child.stdout.off("data", onData);
      child.stdout.resume();
      resolve(performance.now() - started);
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`pos-agent run exited with ${code} before it served`)));
  });
  return {
    child,
    readyMs,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Resident set size of a process, megabytes (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

/** Kernel clock ticks per second, the unit of /proc/<pid>/stat's CPU times (100 on Linux). */
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/**
 * CPU time a process has used so far (user + system), milliseconds, with 1000/CLK_TCK ms
 * resolution. Unlike wall time it hardly moves when other processes load the machine.
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
