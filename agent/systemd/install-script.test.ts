import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test/helpers/cli.js";
import { makeArtifact, makeRoot, PI_GROUPS, runInstall, snapshot } from "../../test/helpers/install-root.js";
import { tempDir } from "../../test/helpers/temp-dir.js";

/**
 * systemd/install.sh, run for real with --root on a throw-away directory (never on the host:
 * every call below passes --root). The user database is created by the real
 * systemd-sysusers and the service enabled by the real `systemctl --root`.
 */

const AS_ROOT = process.getuid?.() === 0;
const V1 = "0.1.0+gaaaaaaaaaaaa";
const V2 = "0.2.0+gbbbbbbbbbbbb";

const mode = (path: string): string => (statSync(path).mode & 0o7777).toString(8).padStart(4, "0");
const read = (path: string): string => readFileSync(path, "utf8");
const repoFile = (path: string): string => read(join(REPO_ROOT, path));

/** The groups `pos-agent` is a member of in `<root>/etc/<file>`, sorted. */
function memberOf(root: string, file: "group" | "gshadow" = "group"): string[] {
  return read(join(root, "etc", file))
    .split("\n")
    .filter((l) => /^[^:]*:[^:]*:[^:]*:(.*,)?pos-agent(,|$)/.test(l))
    .map((l) => l.split(":")[0] ?? "")
    .sort();
}

function idOf(root: string, file: "passwd" | "group", name: string): number {
  const line = read(join(root, "etc", file))
    .split("\n")
    .find((l) => l.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`${name} not in ${file}`);
  return Number(line.split(":")[2]);
}

describe("install.sh in a throw-away root", { timeout: 120_000 }, () => {
  let dir: ReturnType<typeof tempDir>;
  let root: string;
  beforeEach(() => {
    dir = tempDir("pos-agent-install-");
    root = makeRoot(dir.path);
  });
  afterEach(() => dir.cleanup());

  const install = (artifact: string, ...extra: string[]) => runInstall(["--root", root, ...extra, artifact]);

  it("installs the release, unit, user, directories and CLI with the right modes", () => {
    mkdirSync(join(root, "opt/pos-agent/.staging.killed/dist"), { recursive: true }); // an install killed half-way
    const result = install(makeArtifact(dir.path, { version: V1 }));
    expect(result.stderr).not.toMatch(/error|warning/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`pos-agent ${V1} is installed`);

    // The release and the link the unit runs through.
    expect(readlinkSync(join(root, "opt/pos-agent/current"))).toBe(`releases/${V1}`);
    expect(existsSync(join(root, "opt/pos-agent/previous"))).toBe(false);
    const release = join(root, "opt/pos-agent/releases", V1);
    expect(read(join(release, "dist/bundle/pos-agent.js"))).toBe(`// pos-agent ${V1}\n`);
    expect(mode(release)).toBe("0755");
    expect(readdirSync(join(root, "opt/pos-agent")).filter((n) => n.startsWith(".staging"))).toEqual([]);

    // systemd integration, byte for byte from systemd/.
    const installed: [string, string, string][] = [
      ["usr/local/lib/systemd/system/pos-agent.service", "systemd/pos-agent.service", "0644"],
      [
        "usr/local/lib/systemd/system/systemd-time-wait-sync.service.d/pos-agent.conf",
        "systemd/time-wait-sync.conf",
        "0644",
      ],
      ["usr/local/lib/sysusers.d/pos-agent.conf", "systemd/pos-agent.sysusers.conf", "0644"],
      ["usr/local/lib/modules-load.d/pos-agent.conf", "systemd/pos-agent.modules-load.conf", "0644"],
      ["etc/udev/rules.d/99-pos-agent.rules", "systemd/99-pos-agent.rules", "0644"],
      ["usr/local/lib/udev/rules.d/60-pos-agent-display.rules", "systemd/60-pos-agent-display.rules", "0644"],
    ];
    for (const [target, source, expectedMode] of installed) {
      expect(read(join(root, target)), target).toBe(repoFile(source));
      expect(mode(join(root, target)), target).toBe(expectedMode);
    }
    expect(existsSync(join(root, "usr/local/lib/systemd/system/pos-agent.service.d"))).toBe(false);
    expect(readlinkSync(join(root, "etc/systemd/system/multi-user.target.wants/pos-agent.service"))).toBe(
      "/usr/local/lib/systemd/system/pos-agent.service",
    );

    // The technician's CLI.
    const cli = join(root, "usr/local/bin/pos-agent");
    expect(mode(cli)).toBe("0755");
    expect(read(cli)).toContain('exec /usr/bin/node /opt/pos-agent/current/dist/bundle/pos-agent.js "$@"\n');

    // The user: no login, in exactly the device groups, which keep Raspberry Pi OS's ids — and
    // not in group tty, which may write to every terminal: the display has a group of its own.
    const passwd = read(join(root, "etc/passwd"));
    expect(passwd).toMatch(/^pos-agent:x:\d+:\d+:Vipps MobilePay POS agent:\/:\/usr\/sbin\/nologin$/m);
    const group = read(join(root, "etc/group"));
    for (const [name, gid] of Object.entries(PI_GROUPS))
      expect(group).toMatch(new RegExp(`^${name}:x:${gid}:pi${name === "tty" ? "" : ",pos-agent"}$`, "m"));
    expect(group).toMatch(/^pos-display:x:\d+:pos-agent$/m);
    expect(memberOf(root)).toEqual(["dialout", "gpio", "lp", "pos-agent-refund", "pos-display"]);
    const uid = idOf(root, "passwd", "pos-agent");
    const gid = idOf(root, "group", "pos-agent");

    // Config from the example, readable by the service's group; root-only secrets; private state.
    const config = join(root, "etc/pos-agent/pos-agent.yaml");
    expect(read(config)).toBe(repoFile("config/pos-agent.example.yaml"));
    expect(mode(config)).toBe("0640");
    expect(mode(join(root, "etc/pos-agent/secrets"))).toBe("0700");
    expect(readdirSync(join(root, "etc/pos-agent/secrets"))).toEqual([]);
    const state = join(root, "var/lib/pos-agent");
    expect(mode(state)).toBe("0700");
    if (AS_ROOT) {
      expect(statSync(config).uid).toBe(0);
      expect(statSync(config).gid).toBe(gid);
      expect(statSync(join(root, "etc/pos-agent/secrets")).uid).toBe(0);
      expect([statSync(state).uid, statSync(state).gid]).toEqual([uid, gid]);
      expect(statSync(join(release, "dist/bundle/pos-agent.js")).uid).toBe(0);
    } else {
      // Unprivileged --root installs keep the caller's ownership (chown needs root).
      expect(statSync(config).uid).toBe(process.getuid?.());
    }
  });

  it("changes nothing when run a second time", () => {
    const artifact = makeArtifact(dir.path, { version: V1 });
    expect(install(artifact).code).toBe(0);
    const before = snapshot(root);
    const again = install(artifact);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`release ${V1} is already installed`);
    expect(again.stdout).not.toMatch(
      /example config installed|udev rules template installed|current release/,
    );
    expect(snapshot(root)).toEqual(before);
  });

  it("makes the daemon's code cache in the release, for the unit's node flags, and keeps it on a second run", () => {
    const artifact = makeArtifact(dir.path, { version: V1, realBuild: true });
    const first = install(artifact);
    expect(first.stderr).not.toMatch(/error|warning/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /✓ code cache written: .*releases\/[^/]+\/dist\/daemon\/pos-agent-run\.cjs\.cache/,
    );
    const release = join(root, "opt/pos-agent/releases", V1);
    const check = spawnSync(
      process.execPath,
      [join(release, "dist/bundle/pos-agent.js"), "code-cache", "--check"],
      {
        encoding: "utf8",
      },
    );
    expect(check.stdout).toContain("✓ the daemon uses its code cache");
    expect(check.status).toBe(0);

    const before = snapshot(root);
    const again = install(artifact);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("✓ the code cache is up to date");
    expect(snapshot(root)).toEqual(before);
  });

  it("makes no code cache for another machine (--skip-node-check), and says how to make it there", () => {
    const result = install(makeArtifact(dir.path, { version: V1, realBuild: true }), "--skip-node-check");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("code cache not made (--skip-node-check): run sudo pos-agent code-cache");
    expect(existsSync(join(root, "opt/pos-agent/releases", V1, "dist/daemon/pos-agent-run.cjs.cache"))).toBe(
      false,
    );
  });

  it("never overwrites an existing config, secret or udev rule, and warns about a loose secret", () => {
    mkdirSync(join(root, "etc/pos-agent/secrets"), { recursive: true });
    writeFileSync(
      join(root, "etc/pos-agent/pos-agent.yaml"),
      "till:\n  id: kasse7 # the technician's own\n",
      { mode: 0o600 },
    );
    writeFileSync(join(root, "etc/pos-agent/secrets/vipps-client-secret"), "s3cret-value\n", { mode: 0o644 });
    writeFileSync(join(root, "etc/pos-agent/secrets/vipps-subscription-key"), "k3y\n", { mode: 0o600 });
    chmodSync(join(root, "etc/pos-agent/secrets"), 0o750);
    mkdirSync(join(root, "etc/udev/rules.d"), { recursive: true });
    writeFileSync(
      join(root, "etc/udev/rules.d/99-pos-agent.rules"),
      'SUBSYSTEM=="tty", SYMLINK+="pos-register"\n',
    );
    const before = snapshot(join(root, "etc"));

    const result = install(makeArtifact(dir.path, { version: V1 }));
    expect(result.code).toBe(0);
    const after = snapshot(join(root, "etc")).filter((line) => / (pos-agent|udev)/.test(line));
    expect(after).toEqual(before.filter((line) => / (pos-agent|udev)/.test(line)));
    expect(read(join(root, "etc/pos-agent/pos-agent.yaml"))).toBe(
      "till:\n  id: kasse7 # the technician's own\n",
    );
    expect(read(join(root, "etc/pos-agent/secrets/vipps-client-secret"))).toBe("s3cret-value\n");
    expect(result.stderr).toMatch(/vipps-client-secret has mode 644; make it 0600/);
    expect(result.stderr).not.toContain("vipps-subscription-key");
    expect(result.stdout + result.stderr).not.toContain("s3cret-value");
  });

  it("takes the service user out of group tty that an older release put it in, in group and gshadow", () => {
    writeFileSync(
      join(root, "etc/gshadow"),
      ["root:*::", ...Object.keys(PI_GROUPS).map((name) => `${name}:*::pi`), "pi:!::", ""].join("\n"),
    );
    expect(install(makeArtifact(dir.path, { version: V1 })).code).toBe(0);
    // What an older release's installer left behind: the user in group tty.
    for (const file of ["group", "gshadow"])
      writeFileSync(
        join(root, "etc", file),
        read(join(root, "etc", file)).replace(/^(tty:[^\n]*)$/m, "$1,pos-agent"),
      );
    expect(memberOf(root)).toContain("tty");
    expect(memberOf(root, "gshadow")).toContain("tty");

    const v2 = makeArtifact(dir.path, { version: V2 });
    const upgrade = install(v2);
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout).toContain("removed pos-agent from group tty");
    expect(memberOf(root)).toEqual(["dialout", "gpio", "lp", "pos-agent-refund", "pos-display"]);
    expect(memberOf(root, "gshadow")).toEqual(["dialout", "gpio", "lp", "pos-agent-refund", "pos-display"]);
    expect(read(join(root, "etc/group"))).toMatch(/^tty:x:5:pi$/m);
    expect(read(join(root, "etc/gshadow"))).toMatch(/^tty:\*::pi$/m);
    expect(read(join(root, "usr/local/lib/udev/rules.d/60-pos-agent-display.rules"))).toBe(
      repoFile("systemd/60-pos-agent-display.rules"),
    );
    // …and a run after that changes nothing more.
    const before = snapshot(root);
    const again = install(v2);
    expect(again.stdout).not.toContain("removed pos-agent");
    expect(snapshot(root)).toEqual(before);
  });

  it("upgrades with a journal backup, and rolls back and forth through the symlinks", () => {
    expect(install(makeArtifact(dir.path, { version: V1 })).code).toBe(0);
    const state = join(root, "var/lib/pos-agent");
    writeFileSync(join(state, "journal.db"), "sqlite pages");
    writeFileSync(join(state, "journal.db-wal"), "wal frames");

    const v2 = makeArtifact(dir.path, { version: V2 });
    const v2Unit = `${repoFile("systemd/pos-agent.service")}# changed in ${V2}\n`;
    writeFileSync(join(v2, "systemd/pos-agent.service"), v2Unit);
    const installedUnit = join(root, "usr/local/lib/systemd/system/pos-agent.service");
    const upgrade = install(v2);
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout).toContain(`current release: ${V2} (previous: ${V1})`);
    expect(readlinkSync(join(root, "opt/pos-agent/current"))).toBe(`releases/${V2}`);
    expect(readlinkSync(join(root, "opt/pos-agent/previous"))).toBe(`releases/${V1}`);
    expect(read(installedUnit)).toBe(v2Unit);
    const backups = readdirSync(join(state, "backups"));
    expect(backups).toEqual([
      expect.stringMatching(new RegExp(`^\\d{8}T\\d{6}Z-${V1.replace(/[.+]/g, "\\$&")}$`)),
    ]);
    const backup = join(state, "backups", backups[0]!);
    expect(read(join(backup, "journal.db"))).toBe("sqlite pages");
    expect(read(join(backup, "journal.db-wal"))).toBe("wal frames");
    expect(mode(backup)).toBe("0700");

    const rollback = runInstall(["--root", root, "--rollback"]);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain(`rolled back: current is now ${V1} (previous: ${V2})`);
    expect(readlinkSync(join(root, "opt/pos-agent/current"))).toBe(`releases/${V1}`);
    expect(readlinkSync(join(root, "opt/pos-agent/previous"))).toBe(`releases/${V2}`);
    expect(read(join(root, "opt/pos-agent/current/dist/bundle/pos-agent.js"))).toBe(`// pos-agent ${V1}\n`);
    expect(read(installedUnit)).toBe(repoFile("systemd/pos-agent.service")); // the unit of the release that runs
    expect(readdirSync(join(state, "backups"))).toHaveLength(2);

    const list = runInstall(["--root", root, "--list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`* ${V1}\n`);
    expect(list.stdout).toContain(`p ${V2}\n`);

    expect(runInstall(["--root", root, "--rollback"]).code).toBe(0);
    expect(readlinkSync(join(root, "opt/pos-agent/current"))).toBe(`releases/${V2}`);
    expect(read(installedUnit)).toBe(v2Unit);
    expect(read(join(state, "journal.db"))).toBe("sqlite pages"); // the live journal is never touched
  });

  it("keeps the newest releases and never removes current or previous", () => {
    for (const version of ["1.0.0+g1", "1.1.0+g2", "1.2.0+g3"]) {
      expect(install(makeArtifact(dir.path, { version }), "--keep", "2").code).toBe(0);
    }
    expect(readdirSync(join(root, "opt/pos-agent/releases")).sort()).toEqual(["1.1.0+g2", "1.2.0+g3"]);
    // Roll back, then install another: the rolled-back-to release is now "previous" and
    // survives although it is the oldest.
    expect(runInstall(["--root", root, "--rollback"]).code).toBe(0);
    expect(install(makeArtifact(dir.path, { version: "1.3.0+g4" }), "--keep", "2").code).toBe(0);
    expect(readlinkSync(join(root, "opt/pos-agent/current"))).toBe("releases/1.3.0+g4");
    expect(readlinkSync(join(root, "opt/pos-agent/previous"))).toBe("releases/1.1.0+g2");
    expect(readdirSync(join(root, "opt/pos-agent/releases")).sort()).toEqual([
      "1.1.0+g2",
      "1.2.0+g3",
      "1.3.0+g4",
    ]);
  });

  it("installs from a tarball with one top directory", () => {
    const artifact = makeArtifact(dir.path, { version: V1 });
    const tarball = join(dir.path, "pos-agent.tar.gz");
    const tar = spawnSync("tar", ["-C", dir.path, "-czf", tarball, `pos-agent-${V1}`]);
    expect(tar.status).toBe(0);
    rmSync(artifact, { recursive: true });
    const result = install(tarball);
    expect(result.code).toBe(0);
    expect(read(join(root, "opt/pos-agent/current/BUILD-INFO"))).toContain(`version=${V1}\n`);
    expect(existsSync(join(root, "opt/pos-agent/current/systemd/install.sh"))).toBe(true);
  });

  it("refuses an artifact built for another Node ABI or CPU, installing nothing", () => {
    for (const options of [{ nodeAbi: "1" }, { arch: "mips" }]) {
      const result = install(makeArtifact(dir.path, { version: V1, ...options }));
      expect(result.code).toBe(65);
      expect(result.stderr).toMatch(/native modules .* would not load/);
      expect(readdirSync(join(root, "opt/pos-agent/releases"))).toEqual([]);
      expect(existsSync(join(root, "opt/pos-agent/current"))).toBe(false);
      expect(existsSync(join(root, "usr/local/lib/systemd/system/pos-agent.service"))).toBe(false);
      rmSync(join(dir.path, `pos-agent-${V1}`), { recursive: true });
    }
    // An image built on another machine: the check can be skipped knowingly.
    const result = install(
      makeArtifact(dir.path, { version: V1, arch: "arm64", nodeAbi: "127" }),
      "--skip-node-check",
    );
    expect(result.code).toBe(0);
  });

  it("refuses what is not a complete artifact", () => {
    const noInfo = install(makeArtifact(dir.path, { version: V1, withoutBuildInfo: true }));
    expect(noInfo.code).toBe(65);
    expect(noInfo.stderr).toMatch(/no BUILD-INFO/);

    const partial = makeArtifact(join(dir.path, "p"), { version: V1 });
    rmSync(join(partial, "dist"), { recursive: true });
    const incomplete = install(partial);
    expect(incomplete.code).toBe(65);
    expect(incomplete.stderr).toMatch(/dist\/bundle\/pos-agent.js missing/);

    const evil = install(makeArtifact(join(dir.path, "e"), { version: "../../etc" }));
    expect(evil.code).toBe(65);
    expect(evil.stderr).toMatch(/bad version/);
    expect(readdirSync(join(root, "opt/pos-agent/releases"))).toEqual([]);
    expect(readdirSync(join(root, "opt/pos-agent")).filter((n) => n.startsWith(".staging"))).toEqual([]);
  });

  it("refuses a Node older than 20.19", () => {
    const fake = join(root, "usr/bin/node-18");
    writeFileSync(fake, '#!/bin/sh\necho "18.20.4 108 x64"\n', { mode: 0o755 });
    const result = install(makeArtifact(dir.path, { version: V1 }), "--node", "/usr/bin/node-18");
    expect(result.code).toBe(69);
    expect(result.stderr).toMatch(/node 18\.20\.4 .* is not supported: install Node\.js 22 LTS/);
  });

  it("runs another node through a drop-in, keeps that choice, and removes the drop-in when back to /usr/bin/node", () => {
    mkdirSync(join(root, "usr/local/bin"), { recursive: true });
    symlinkSync(process.execPath, join(root, "usr/local/bin/node"));
    const artifact = makeArtifact(dir.path, { version: V1 });
    expect(install(artifact, "--node", "/usr/local/bin/node").code).toBe(0);
    const dropIn = join(root, "usr/local/lib/systemd/system/pos-agent.service.d/node.conf");
    expect(read(dropIn)).toBe(
      "# Written by install.sh --node: the service runs /usr/local/bin/node.\n[Service]\nExecStart=\n" +
        "ExecStart=/usr/local/bin/node --max-semi-space-size=1 --heap-growing-percent=25 --liftoff-only /opt/pos-agent/current/dist/bundle/pos-agent.js run --config /etc/pos-agent/pos-agent.yaml\n",
    );
    expect(read(join(root, "usr/local/bin/pos-agent"))).toContain(
      "exec /usr/local/bin/node /opt/pos-agent/current/",
    );

    const dropInText = read(dropIn);
    expect(install(artifact, "--reinstall").code).toBe(0); // no --node: the last choice stays
    expect(read(dropIn)).toBe(dropInText);

    expect(install(artifact, "--node", "/usr/bin/node").code).toBe(0);
    expect(existsSync(dropIn)).toBe(false);
    expect(read(join(root, "usr/local/bin/pos-agent"))).toContain(
      "exec /usr/bin/node /opt/pos-agent/current/",
    );
  });

  it("answers usage errors without touching anything", () => {
    expect(runInstall(["--root", root]).code).toBe(64);
    expect(runInstall(["--root", root, "--node", "node", "x"]).code).toBe(64);
    expect(runInstall(["--root", root, "--node", "/opt/my node|x", "x"]).code).toBe(64);
    expect(runInstall(["--root", join(dir.path, "missing"), "x"]).code).toBe(64);
    expect(runInstall(["--root", root, "--keep", "1", "x"]).code).toBe(64);
    expect(runInstall(["--root", root, join(dir.path, "no-such-artifact")]).code).toBe(64);
    const rollback = runInstall(["--root", root, "--rollback"]);
    expect(rollback.code).toBe(65);
    expect(rollback.stderr).toMatch(/no previous release/);
    expect(existsSync(join(root, "etc/passwd-"))).toBe(false); // sysusers never ran
  });
});
