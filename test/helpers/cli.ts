import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { unitNodeFlags } from "../../agent/systemd/index.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The `pos-agent` CLI as it ships: bundled (rolldown.config.ts), so the tests run what a till runs. */
export const AGENT_BIN = `${REPO_ROOT}dist/bundle/pos-agent.js`;
/** The node flags systemd/pos-agent.service runs the daemon with (its memory settings). */
export function serviceNodeFlags(): string[] {
  return unitNodeFlags(readFileSync(`${REPO_ROOT}systemd/pos-agent.service`, "utf8"));
}
/** `npm start` / `npm run demo`: the demo's own entry (demo/main.ts), not part of the till. */
export const DEMO_BIN = `${REPO_ROOT}dist/demo/main.js`;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `pos-agent` (as a technician would, with plain node) and collects its output. */
export function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; bin?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? AGENT_BIN, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    // Decoded as streams: a chunk may end inside a UTF-8 character.
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => (stdout += d));
    child.stderr.on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}
