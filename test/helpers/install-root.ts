import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { copyBuiltRelease } from "./built-release.js";
import { REPO_ROOT } from "./cli.js";

/**
 * Throw-away roots for testing systemd/install.sh with `--root`: a fake artifact (the real
 * systemd/ files and example config, a stand-in dist/), a root seeded like Raspberry Pi OS,
 * a runner, and a snapshot to prove that a second run changes nothing.
 */

const INSTALL_SCRIPT = join(REPO_ROOT, "systemd", "install.sh");

export interface ArtifactOptions {
  version: string;
  /** Node ABI recorded in BUILD-INFO; this process's by default. */
  nodeAbi?: string;
  arch?: string;
  /** Leave out BUILD-INFO (not an artifact at all). */
  withoutBuildInfo?: boolean;
  /** This checkout's build (copyBuiltRelease) instead of a stand-in dist/: a CLI that runs. */
  realBuild?: boolean;
}

/** An unpacked artifact as systemd/build-artifact.sh lays it out, at `<dir>/pos-agent-<version>`. */
export function makeArtifact(dir: string, options: ArtifactOptions): string {
  const path = join(dir, `pos-agent-${options.version}`);
  if (options.realBuild === true) {
    copyBuiltRelease(path);
  } else {
    mkdirSync(join(path, "dist/bundle"), { recursive: true });
    writeFileSync(join(path, "dist/bundle/pos-agent.js"), `// pos-agent ${options.version}\n`);
    mkdirSync(join(path, "node_modules/example-dependency"), { recursive: true });
    writeFileSync(join(path, "node_modules/example-dependency/index.js"), "export {};\n");
    writeFileSync(
      join(path, "package.json"),
      JSON.stringify({ name: "vipps-pos-agent", version: options.version.split("+")[0] }),
    );
  }
  mkdirSync(join(path, "config"));
  cpSync(join(REPO_ROOT, "config/pos-agent.example.yaml"), join(path, "config/pos-agent.example.yaml"));
  cpSync(join(REPO_ROOT, "systemd"), join(path, "systemd"), { recursive: true, force: true });
  if (options.withoutBuildInfo !== true) {
    writeFileSync(
      join(path, "BUILD-INFO"),
      [
        `version=${options.version}`,
        "git_commit=0000000000000000000000000000000000000000",
        `node_version=${process.versions.node}`,
        `node_abi=${options.nodeAbi ?? process.versions.modules}`,
        `arch=${options.arch ?? process.arch}`,
        `platform=${process.platform}`,
        "built_at=2026-01-01T00:00:00Z",
        "",
      ].join("\n"),
    );
  }
  return path;
}

/** Raspberry Pi OS's ids for the device groups, so tests can see they are kept. */
export const PI_GROUPS = { dialout: 20, lp: 7, tty: 5, gpio: 993 } as const;

/** A root with the user database of a fresh Raspberry Pi OS and `/usr/bin/node` (this node). */
export function makeRoot(dir: string): string {
  const root = join(dir, "root");
  mkdirSync(join(root, "etc"), { recursive: true });
  mkdirSync(join(root, "usr/bin"), { recursive: true });
  writeFileSync(
    join(root, "etc/passwd"),
    "root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000:,,,:/home/pi:/bin/bash\n",
  );
  writeFileSync(
    join(root, "etc/group"),
    [
      "root:x:0:",
      ...Object.entries(PI_GROUPS).map(([name, gid]) => `${name}:x:${gid}:pi`),
      "pi:x:1000:",
      "",
    ].join("\n"),
  );
  symlinkSync(process.execPath, join(root, "usr/bin/node"));
  return root;
}

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runInstall(args: readonly string[], env: NodeJS.ProcessEnv = {}): ScriptResult {
  const result = spawnSync("bash", [INSTALL_SCRIPT, ...args], {
    encoding: "utf8",
    env: { ...process.env, DESTDIR: "", ...env },
    timeout: 60_000,
  });
  if (result.error !== undefined) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Every file and link under `root` with its mode, owner, size, mtime and content hash, and
 * every directory with its mode and owner (not its mtime: creating and removing a scratch
 * directory touches the parent's mtime without changing anything installed).
 */
export function snapshot(root: string): string[] {
  const lines: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = lstatSync(path);
      const rel = relative(root, path);
      const ids = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isSymbolicLink()) lines.push(`L ${rel} -> ${readlinkSync(path)}`);
      else if (st.isDirectory()) {
        lines.push(`D ${rel} ${ids}`);
        walk(path);
      } else {
        const hash = createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 16);
        lines.push(`F ${rel} ${ids} ${st.size} ${st.mtimeMs} ${hash}`);
      }
    }
  };
  walk(root);
  return lines;
}
