import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { codeCacheFiles } from "../agent/cli/code-cache/files.js";
import { unitNodeFlags } from "../agent/systemd/index.js";
import { builtFile } from "./built.js";
import { killWithParent } from "./orphan-guard.js";

/** The bundled CLI, as systemd runs it (rolldown.config.ts). */
export const AGENT_BIN = builtFile("bundle/pos-agent.js");

/**
 * The node flags of systemd/pos-agent.service's ExecStart, so the benchmark measures the daemon
 * as it runs on a till (the unit's comment says why each flag); BENCH_NODE_FLAGS to try others.
 */
export const DAEMON_NODE_FLAGS =
  process.env.BENCH_NODE_FLAGS?.split(" ").filter((f) => f !== "") ??
  unitNodeFlags(readFileSync(join(builtFile(""), "..", "systemd", "pos-agent.service"), "utf8"));

/**
 * The environment systemd/pos-agent.service gives the daemon (its `Environment=` lines; a test
 * keeps them equal): glibc's malloc settings are part of the memory the bench measures.
 */
export const DAEMON_ENVIRONMENT: Readonly<Record<string, string>> = {
  NODE_ENV: "production",
  MALLOC_ARENA_MAX: "2",
  MALLOC_MMAP_THRESHOLD_: "131072",
};

/**
 * The daemon's code cache for DAEMON_NODE_FLAGS, made as install.sh makes it on a till
 * (`pos-agent code-cache`; agent/cli/code-cache/), or removed, to measure a start without it.
 */
export function makeCodeCache(): void {
  execFileSync(process.execPath, [AGENT_BIN, "code-cache", "--node-flags", DAEMON_NODE_FLAGS.join(" ")], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

export function removeCodeCache(): void {
  const files = codeCacheFiles(builtFile(""));
  for (const file of [files.meta, files.cache]) rmSync(file, { force: true });
}

/** `pos-agent run` as its own process, so its memory is its own; resolves once it serves. */
export async function startDaemon(
  configFile: string,
): Promise<{ child: ChildProcess; readyMs: number; codeCache: string; stop(): Promise<void> }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, AGENT_BIN, "run", "--config", configFile], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...DAEMON_ENVIRONMENT, NOTIFY_SOCKET: "", CREDENTIALS_DIRECTORY: "" },
  });
  killWithParent(child.pid);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stderr.resume();
  const ready = await new Promise<{ readyMs: number; codeCache: string }>((resolve, reject) => {
    let buffered = "";
    const onData = (chunk: Buffer): void => {
      buffered = (buffered + chunk.toString("utf8")).slice(-10_000);
      // The daemon logs this (level info) right after telling systemd READY=1.
      const serving = /^.*"msg":"agent serving".*$/m.exec(buffered)?.[0];
      if (serving === undefined) return;
      child.stdout.off("data", onData);
      child.stdout.resume();
      const codeCache = /"codeCache":"([^"]*)"/.exec(serving)?.[1] ?? "not logged";
      resolve({ readyMs: performance.now() - started, codeCache });
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`pos-agent run exited with ${code} before it served`)));
  });
  return {
    child,
    ...ready,
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
