import { spawn } from "node:child_process";

/**
 * If this process dies without cleaning up (a crash, a test runner's timeout kill), a tiny shell
 * watchdog kills `pid` (a broker it started) and removes `dirs`, instead of leaving them on a
 * shared machine. It exits by itself once `pid` is gone.
 */
export function killWithParent(pid: number | undefined, ...dirs: string[]): void {
  if (pid === undefined) return;
  const script = [
    'parent="$1"; child="$2"; shift 2',
    'while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done',
    'if ! kill -0 "$parent" 2>/dev/null; then kill -9 "$child" 2>/dev/null; rm -rf "$@"; fi',
  ].join("; ");
  spawn("sh", ["-c", script, "orphan-guard", String(process.pid), String(pid), ...dirs], {
    stdio: "ignore",
    detached: true,
  }).unref();
}
