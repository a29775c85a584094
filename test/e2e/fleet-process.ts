import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { expect, vi } from "vitest";
import { REPO_ROOT } from "../helpers/cli.js";

/** The built `pos-fleet` executable, as pos-fleet.service runs it. */
const FLEET_BIN = `${REPO_ROOT}dist/fleet/cli/main.js`;

/**
 * `pos-fleet serve` as a real child process, configured by environment variables only, its
 * NDJSON log appended to `logFile`. Resolves once /healthz answers 200 (store open, broker
 * connected).
 */
export interface FleetProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export async function startFleetProcess(
  env: Record<string, string>,
  port: number,
  logFile: string,
): Promise<FleetProcess> {
  const child = spawn(process.execPath, [FLEET_BIN, "serve"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", ...env, FLEET_PORT: String(port), FLEET_HOST: "127.0.0.1" },
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
  const url = `http://127.0.0.1:${port}`;
  await vi.waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`pos-fleet exited with ${child.exitCode}; see ${logFile}`);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    },
    { timeout: 30_000, interval: 100 },
  );
  return {
    child,
    url,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
