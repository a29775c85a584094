import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./cli.js";

/**
 * The built CLI laid out as in a release directory (systemd/build-artifact.sh): dist/bundle,
 * the daemon's CommonJS bundle without a code cache, the service unit and package.json, with
 * node_modules linked to this checkout's. A test may make, break and remove its code cache here
 * without touching the dist/ that other tests run.
 */
export function copyBuiltRelease(path: string): { path: string; bin: string } {
  mkdirSync(join(path, "dist/daemon"), { recursive: true });
  cpSync(join(REPO_ROOT, "dist/bundle"), join(path, "dist/bundle"), { recursive: true });
  cpSync(join(REPO_ROOT, "dist/daemon/pos-agent-run.cjs"), join(path, "dist/daemon/pos-agent-run.cjs"));
  mkdirSync(join(path, "systemd"));
  cpSync(join(REPO_ROOT, "systemd/pos-agent.service"), join(path, "systemd/pos-agent.service"));
  cpSync(join(REPO_ROOT, "package.json"), join(path, "package.json"));
  symlinkSync(join(REPO_ROOT, "node_modules"), join(path, "node_modules"));
  return { path, bin: join(path, "dist/bundle/pos-agent.js") };
}
