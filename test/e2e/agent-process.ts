import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { AGENT_BIN } from "../helpers/cli.js";

/**
 * `pos-agent run --config <file>` as a real child process — the daemon exactly as systemd runs
 * it — so a test can `kill -9` it at any moment and start it again on the same journal.
 */
export interface AgentProcess {
  readonly child: ChildProcess;
  /** SIGKILL: no shutdown code runs, like a power cut for the process. */
  crash(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/**
 * `nodeArgs`: node's own flags, e.g. systemd/pos-agent.service's (`serviceNodeFlags()`); `bin`:
 * another copy of the CLI (test/helpers/built-release.ts).
 */
export function startAgentProcess(
  configFile: string,
  logFile: string,
  nodeArgs: readonly string[] = [],
  bin: string = AGENT_BIN,
): AgentProcess {
  const child = spawn(process.execPath, [...nodeArgs, bin, "run", "--config", configFile], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NOTIFY_SOCKET: "", CREDENTIALS_DIRECTORY: "" },
  });
  live.add(child);
  const log = createWriteStream(logFile, { flags: "a" });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    async crash() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
