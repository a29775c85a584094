import { spawnSync } from "node:child_process";
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM_TOOLS } from "../../dev-setup/system-tools.js";
import { REPO_ROOT } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp-dir.js";

/**
 * dev-setup/prerequisites.js, as `npm start` and `npm test` run it: the real script, in a
 * directory of our making, with a PATH of our making. As root it would install with apt-get,
 * so the "not root" cases run it as nobody.
 */
const SCRIPT = join(REPO_ROOT, "dev-setup/prerequisites.js");
const isRoot = process.getuid?.() === 0;

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
  chmodSync(dir.path, 0o755);
});
afterEach(() => dir.cleanup());

/** Where a program is installed for everyone (not in a user's own bin, which nobody cannot read). */
function which(command: string): string | undefined {
  for (const d of ["/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin"]) {
    try {
      accessSync(join(d, command), constants.X_OK);
      return join(d, command);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** A bin directory with every system tool but `without`: the PATH of a machine that lacks them. */
function pathWithout(without: readonly string[]): string {
  const bin = mkdtempSync(join(dir.path, "bin-"));
  chmodSync(bin, 0o755);
  for (const { command } of SYSTEM_TOOLS) {
    const real = which(command);
    if (!without.includes(command) && real !== undefined) symlinkSync(real, join(bin, command));
  }
  return bin;
}

function run(mode: string, options: { path?: string; asNobody?: boolean; cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [SCRIPT, mode], {
    cwd: options.cwd ?? dir.path,
    env: { PATH: options.path ?? process.env.PATH ?? "", HOME: dir.path },
    encoding: "utf8",
    ...(options.asNobody === true && isRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe("npm test's prerequisites", () => {
  it("not root and mosquitto and socat missing: names them, prints the exact apt-get command, exits 1", () => {
    const result = run("test", {
      path: pathWithout(["mosquitto", "mosquitto_passwd", "socat"]),
      asNobody: true,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ {2}mosquitto +\(mosquitto\): /m);
    expect(result.stderr).toMatch(/^ {2}socat +\(socat\): /m);
    expect(result.stderr).toContain("  sudo apt-get install -y --no-install-recommends mosquitto socat\n");
  });

  it("says where mosquitto is when only PATH is the problem (Debian puts it in /usr/sbin)", () => {
    if (which("mosquitto")?.startsWith("/usr/sbin/") !== true) return;
    const result = run("test", { path: pathWithout(["mosquitto"]), asNobody: true });
    expect(result.stderr).toContain('export PATH="$PATH:/usr/sbin"');
  });

  it("everything there: exits 0 and leaves node_modules alone", () => {
    const result = run("check", { cwd: REPO_ROOT });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
  });

  it("lists the Debian packages of every tool once, for .ci/run", () => {
    const packages = run("apt-packages").stdout.trim().split(" ");
    expect(packages).toEqual(expect.arrayContaining(["mosquitto", "socat", "python3", "make", "g++"]));
    expect(new Set(packages).size).toBe(packages.length);
  });
});

describe("npm start's check of node_modules against package-lock.json", () => {
  const lock = (packages: Record<string, unknown>) =>
    writeFileSync(
      join(dir.path, "package-lock.json"),
      JSON.stringify({ lockfileVersion: 3, packages: { "": { name: "x" }, ...packages } }),
    );
  const installed = (path: string, version: string) => {
    mkdirSync(join(dir.path, path), { recursive: true });
    writeFileSync(join(dir.path, path, "package.json"), JSON.stringify({ name: path, version }));
  };
  const check = () => run("check", { path: pathWithout([]) }).stderr;

  it("finds node_modules missing, a package missing, or one at another version", () => {
    lock({
      "node_modules/a": { version: "1.0.0" },
      "node_modules/b": { version: "2.0.0" },
      "node_modules/@rolldown/binding-darwin-arm64": { version: "1.0.0", optional: true },
    });
    expect(check()).toContain("node_modules is missing");
    installed("node_modules/a", "1.0.0");
    expect(check()).toContain("node_modules/b is missing");
    installed("node_modules/b", "1.9.0");
    expect(check()).toContain("node_modules/b is 1.9.0, package-lock.json says 2.0.0");
    installed("node_modules/b", "2.0.0");
    // Another platform's optional binary may be absent.
    expect(check()).toBe("");
  });
});
