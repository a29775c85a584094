import { spawn } from "node:child_process";

/**
 * If this process dies without cleaning up (a crash, a test runner's timeout kill), a tiny shell
 * watchdog kills `pid` (a broker it started) and removes `dir`, instead of leaving them on a
 * shared machine. It exits by itself once `pid` is gone.
 */
export function killWithParent(pid: number | undefined, dir: string): void {
  if (pid === undefined) return;
  const script = [
    'while kill -0 "$0" 2>/dev/null && kill -0 "$1" 2>/dev/null; do sleep 1; done',
    'if ! kill -0 "$0" 2>/dev/null; then kill -9 "$1" 2>/dev/null; rm -rf "$2"; fi',
  ].join("; ");
  spawn("sh", ["-c", script, String(process.pid), String(pid), dir], {
    stdio: "ignore",
    detached: true,
  }).unref();
}
