import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";

/**
 * A real serial cable for tests: a pty pair made by `socat`, reachable at two symlink paths.
 * `unplug()` kills socat (both ends vanish, as when a USB-serial adapter is pulled: open
 * ports get EIO/close, the paths disappear), `replug()` makes a new pair at the same paths.
 * Baud rates are ignored on a pty. Needs `socat` on the PATH (`apt-get install socat`).
 */
export interface PtyPair {
  /** The two ends' symlink paths. */
  readonly a: string;
  readonly b: string;
  /** Whether socat is running. */
  readonly plugged: boolean;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  /** Kills socat and removes the paths; safe to call twice. */
  close(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

async function waitForPaths(
  paths: readonly string[],
  child: ChildProcess,
  stderr: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!paths.every((p) => existsSync(p))) {
    if (child.exitCode !== null) throw new Error(`socat exited with ${child.exitCode}: ${stderr()}`);
    if (Date.now() > deadline)
      throw new Error(`socat did not create ${paths.join(" and ")} within ${timeoutMs} ms: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function createPtyPair(options: { a: string; b: string; timeoutMs?: number }): Promise<PtyPair> {
  const { a, b } = options;
  let child: ChildProcess | undefined;

  const plug = async (): Promise<void> => {
    for (const path of [a, b]) rmSync(path, { force: true });
    let err = "";
    const proc = spawn("socat", [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    proc.stderr?.on("data", (d: Buffer) => (err += d.toString("utf8")));
    live.add(proc);
    proc.once("exit", () => live.delete(proc));
    child = proc;
    await waitForPaths([a, b], proc, () => err, options.timeoutMs ?? 10_000);
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc !== undefined && proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      });
    }
    for (const path of [a, b]) rmSync(path, { force: true });
  };

  await plug();
  return {
    a,
    b,
    get plugged() {
      return child !== undefined;
    },
    unplug: kill,
    async replug() {
      await kill();
      await plug();
    },
    close: kill,
  };
}
