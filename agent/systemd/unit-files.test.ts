import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SECRET_FILES } from "../../config/secrets.js";
import { EXIT } from "../../lib/exit-codes.js";
import { REPO_ROOT } from "../../test/helpers/cli.js";
import { tempDir } from "../../test/helpers/temp-dir.js";

/**
 * The unit files in systemd/ checked with systemd's own tools (CI installs the `systemd`
 * package): `systemd-analyze security --offline=true` for the sandbox, `systemd-analyze
 * verify` for everything else. Nothing here needs a running systemd.
 */

const SYSTEMD_DIR = join(REPO_ROOT, "systemd");
const AGENT_UNIT = join(SYSTEMD_DIR, "pos-agent.service");
const BRIDGE_UNIT = join(SYSTEMD_DIR, "pos-bridge.service");
const FLEET_UNIT = join(SYSTEMD_DIR, "pos-fleet.service");

type Unit = Map<string, [string, string][]>;

/** The [Section] → (key, value) pairs of a unit file, in order; comments dropped. */
function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: [string, string][] | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header !== null) {
      section = [];
      unit.set(header[1]!, section);
      continue;
    }
    const eq = line.indexOf("=");
    if (section === undefined || eq < 0) throw new Error(`unparsable line: ${raw}`);
    section.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return unit;
}

function values(unit: Unit, section: string, key: string): string[] {
  return (unit.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v);
}

function one(unit: Unit, section: string, key: string): string | undefined {
  const all = values(unit, section, key);
  expect(all.length, `${section}.${key} set once`).toBeLessThanOrEqual(1);
  return all[0];
}

function words(unit: Unit, section: string, key: string): string[] {
  return values(unit, section, key).flatMap((v) => v.split(/\s+/).filter((w) => w !== ""));
}

function analyze(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("systemd-analyze", args, { encoding: "utf8", timeout: 60_000 });
  if (result.error !== undefined) {
    throw new Error(
      `systemd-analyze cannot run (${result.error.message}); install the systemd package (apt-get install systemd)`,
    );
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Parses "→ Overall exposure level for pos-agent.service: 1.8 OK 🙂". */
function overallExposure(output: string, unitName: string): number {
  const match = new RegExp(
    `Overall exposure level for ${unitName.replace(".", "\\.")}: (\\d+(?:\\.\\d+)?)`,
  ).exec(output);
  if (match === null) throw new Error(`no exposure line in:\n${output}`);
  return Number(match[1]);
}

describe("systemd-analyze security --offline=true", () => {
  it.each([
    ["pos-agent.service", AGENT_UNIT, 2.5],
    ["pos-bridge.service", BRIDGE_UNIT, 2.5],
    ["pos-fleet.service", FLEET_UNIT, 2.5],
  ])("rates %s at an exposure of %s or less, without a single ignored line", (name, path, limit) => {
    const result = analyze(["security", "--offline=true", "--no-pager", path]);
    expect(result.status, result.stderr).toBe(0);
    const exposure = overallExposure(result.stdout, name);
    expect(exposure).toBeGreaterThan(0);
    expect(exposure).toBeLessThanOrEqual(limit);
    // systemd warns and carries on when it cannot parse a line ("Invalid syntax, ignoring"):
    // a silently dropped hardening or credential line would go unnoticed otherwise.
    expect(result.stderr).not.toMatch(/ignoring|invalid|unknown/i);
  });
});

describe("systemd-analyze verify", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir("pos-agent-units-");
  });
  afterEach(() => dir.cleanup());

  // verify insists that ExecStart's program exists on THIS machine. The units run
  // /usr/bin/node (NodeSource's location on the Pi); CI's node may live elsewhere. So each
  // unit is verified as a copy that differs in that one path only — the assertion below
  // proves the copy differs in nothing else. The script after it (dist/…/main.js) is an
  // argument, which verify does not check.
  it.each([
    ["pos-agent.service", AGENT_UNIT],
    ["pos-bridge.service", BRIDGE_UNIT],
    ["pos-fleet.service", FLEET_UNIT],
  ])("accepts %s", (name, path) => {
    const original = readFileSync(path, "utf8");
    const copy = original.replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `);
    const withoutExecStart = (text: string): string => text.replace(/^ExecStart=.*$/m, "");
    expect(withoutExecStart(copy)).toBe(withoutExecStart(original));
    expect(copy).toMatch(new RegExp(`^ExecStart=${process.execPath} (--[^ ]+ )*/opt/`, "m"));
    const target = join(dir.path, name);
    writeFileSync(target, copy);

    const result = analyze(["verify", "--man=no", "--generators=no", target]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("really fails on a broken unit (the check above can fail)", () => {
    const target = join(dir.path, "pos-agent.service");
    writeFileSync(
      target,
      readFileSync(AGENT_UNIT, "utf8").replace(
        /^ExecStart=\/usr\/bin\/node /m,
        "ExecStart=/nonexistent/node ",
      ),
    );
    const result = analyze(["verify", "--man=no", "--generators=no", target]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\/nonexistent\/node/);
  });
});

describe("pos-agent.service contract", () => {
  const unit = parseUnit(readFileSync(AGENT_UNIT, "utf8"));

  it("is a notify service whose helper processes may notify, with a watchdog", () => {
    expect(one(unit, "Service", "Type")).toBe("notify");
    expect(one(unit, "Service", "NotifyAccess")).toBe("all"); // agent/systemd/notifier.ts spawns systemd-notify
    expect(one(unit, "Service", "WatchdogSec")).toMatch(/^\d+s$/);
    expect(one(unit, "Service", "KillMode")).toBe("mixed");
  });

  it("runs the built agent with the system config", () => {
    expect(one(unit, "Service", "ExecStart")).toBe(
      "/usr/bin/node --max-semi-space-size=1 --heap-growing-percent=25 --liftoff-only /opt/pos-agent/current/dist/bundle/pos-agent.js run --config /etc/pos-agent/pos-agent.yaml",
    );
  });

  it("restarts always, within a start limit, but never on a bad config or a missing secret", () => {
    expect(one(unit, "Service", "Restart")).toBe("always");
    expect(one(unit, "Unit", "StartLimitIntervalSec")).toBeDefined();
    expect(Number(one(unit, "Unit", "StartLimitBurst"))).toBeGreaterThan(1);
    expect(words(unit, "Service", "RestartPreventExitStatus")).toEqual([String(EXIT.CONFIG), "243"]);
  });

  it("starts after the network is up and the clock is synchronised", () => {
    for (const key of ["After", "Wants"]) {
      expect(words(unit, "Unit", key)).toEqual(
        expect.arrayContaining([
          "network-online.target",
          "time-sync.target",
          "systemd-time-wait-sync.service",
        ]),
      );
    }
  });

  it("runs as its own user with state, configuration and runtime directories", () => {
    expect(one(unit, "Service", "User")).toBe("pos-agent");
    expect(one(unit, "Service", "Group")).toBe("pos-agent");
    expect(values(unit, "Service", "DynamicUser")).toEqual([]);
    expect(values(unit, "Service", "SupplementaryGroups")).toEqual([]); // from sysusers: a missing group would fail the start
    expect(one(unit, "Service", "StateDirectory")).toBe("pos-agent");
    expect(one(unit, "Service", "StateDirectoryMode")).toBe("0700");
    expect(one(unit, "Service", "ConfigurationDirectory")).toBe("pos-agent");
    expect(one(unit, "Service", "RuntimeDirectory")).toBe("pos-agent");
    expect(one(unit, "Service", "RuntimeDirectoryMode")).toBe("0750");
  });

  it("loads exactly the secrets config/secrets.ts reads, from root-only files", () => {
    const loaded = values(unit, "Service", "LoadCredential").map((v) => v.split(":"));
    expect(loaded.map(([id]) => id).sort()).toEqual(Object.values(SECRET_FILES).sort());
    for (const [id, source] of loaded) expect(source).toBe(`/etc/pos-agent/secrets/${id}`);
    // The optional ones fall back to an empty credential instead of failing the start.
    expect(values(unit, "Service", "SetCredential").sort()).toEqual([
      `${SECRET_FILES.loyaltyHttpToken}:\\n`,
      `${SECRET_FILES.mqttPassword}:\\n`,
    ]);
  });

  it("reaches the devices of a till and nothing more", () => {
    expect(one(unit, "Service", "PrivateDevices")).toBeUndefined();
    expect(one(unit, "Service", "DevicePolicy")).toBe("closed");
    expect(values(unit, "Service", "DeviceAllow").sort()).toEqual(
      [
        "/dev/tty1 rw",
        "char-gpiochip rw",
        "char-ttyACM rw",
        "char-ttyAMA rw",
        "char-ttyUSB rw",
        "char-usb rw",
      ].sort(),
    );
    expect(one(unit, "Service", "ProtectKernelTunables")).toBe("yes");
    expect(words(unit, "Service", "ReadWritePaths")).toEqual(["-/sys/class/gpio", "-/sys/devices/platform"]);
  });

  it("keeps V8's JIT working and the sockets the agent needs", () => {
    expect(values(unit, "Service", "MemoryDenyWriteExecute")).toEqual([]);
    expect(words(unit, "Service", "RestrictAddressFamilies").sort()).toEqual([
      "AF_INET",
      "AF_INET6",
      "AF_NETLINK",
      "AF_UNIX",
    ]);
  });
});

describe("pos-fleet.service contract", () => {
  const fleet = parseUnit(readFileSync(FLEET_UNIT, "utf8"));
  const bridge = parseUnit(readFileSync(BRIDGE_UNIT, "utf8"));
  /** What a unit says about its process, not about its sandbox. */
  const NOT_SANDBOX = new Set([
    "Type",
    "ExecStart",
    "Environment",
    "EnvironmentFile",
    "LoadCredential",
    "SetCredential",
    "SyslogIdentifier",
    "Restart",
    "RestartSec",
    "RestartPreventExitStatus",
    "TimeoutStopSec",
    "StateDirectory",
    "StateDirectoryMode",
  ]);
  const sandbox = (unit: Unit): [string, string][] =>
    (unit.get("Service") ?? [])
      .filter(([key]) => !NOT_SANDBOX.has(key))
      .sort(([a, av], [b, bv]) => a.localeCompare(b) || av.localeCompare(bv));

  it("has exactly the bridge's sandbox, plus one private state directory for its SQLite store", () => {
    expect(sandbox(fleet)).toEqual(sandbox(bridge));
    expect(sandbox(fleet).length).toBeGreaterThan(30);
    expect(one(fleet, "Service", "DynamicUser")).toBe("yes");
    expect(one(fleet, "Service", "StateDirectory")).toBe("pos-fleet");
    expect(one(fleet, "Service", "StateDirectoryMode")).toBe("0700");
  });

  it("runs the built CLI, is not restarted on an invalid environment", () => {
    expect(one(fleet, "Service", "ExecStart")).toBe(
      "/usr/bin/node /opt/pos-fleet/current/dist/fleet/cli/main.js serve",
    );
    expect(words(fleet, "Service", "RestartPreventExitStatus")).toEqual([String(EXIT.CONFIG), "243"]);
  });

  it("hands every secret over as a credential file, each with an empty default, and names it in a _FILE variable", () => {
    const loaded = values(fleet, "Service", "LoadCredential").map((v) => v.split(":"));
    for (const [id, source] of loaded) expect(source).toBe(`/etc/pos-fleet/secrets/${id}`);
    const ids = loaded.map(([id]) => id);
    expect(values(fleet, "Service", "SetCredential").sort()).toEqual(ids.map((id) => `${id}:\\n`).sort());
    const files = values(fleet, "Service", "Environment")
      .filter((e) => e.includes("_FILE="))
      .map((e) => e.split("=%d/")[1]);
    expect(files.sort()).toEqual([...ids].sort());
  });
});
