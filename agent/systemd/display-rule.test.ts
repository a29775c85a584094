import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test/helpers/cli.js";

/**
 * The customer display's device access, as three files must agree on it: the udev rule gives the
 * display's console to one group, sysusers.d puts the service user in that group (and no longer
 * in group tty, which may write to every terminal), and the unit's device list allows that
 * console. (install-script.test.ts installs them for real.)
 */
const file = (name: string): string => readFileSync(join(REPO_ROOT, "systemd", name), "utf8");
const lines = (text: string): string[] =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));

describe("the customer display's udev rule, sysusers entry and unit", () => {
  const rules = lines(file("60-pos-agent-display.rules"));
  const sysusers = lines(file("pos-agent.sysusers.conf"));

  it("gives only the HDMI console to the display group, write only, so no later rule can hand it back", () => {
    expect(rules).toHaveLength(1);
    const keys = Object.fromEntries(
      (rules[0] ?? "").split(/,\s*/).map((pair) => {
        const m = /^([A-Z]+)(==|:=|=)"(.*)"$/.exec(pair);
        if (m === null) throw new Error(`not a udev key: ${pair}`);
        return [`${m[1]}${m[2]}`, m[3]];
      }),
    );
    expect(keys).toEqual({
      "SUBSYSTEM==": "tty",
      "KERNEL==": "tty1",
      "GROUP:=": "pos-display",
      "MODE:=": "0620",
    });
    // Owner read-write (root), group write only: the agent cannot read the console's keyboard.
    expect(Number.parseInt(keys["MODE:="] ?? "", 8) & 0o077).toBe(0o020);
  });

  it("puts the service user in that group and not in group tty", () => {
    expect(sysusers).toContain("g pos-display -");
    expect(sysusers).toContain("m pos-agent pos-display");
    expect(
      sysusers
        .filter((l) => /^m pos-agent /.test(l))
        .map((l) => l.split(/\s+/)[2])
        .sort(),
    ).toEqual(["dialout", "gpio", "lp", "pos-agent-refund", "pos-display"]);
  });

  it("allows exactly that console in the unit's device list", () => {
    const allowed = lines(file("pos-agent.service"))
      .filter((l) => l.startsWith("DeviceAllow=/dev/tty"))
      .map((l) => l.slice("DeviceAllow=".length));
    expect(allowed).toEqual(["/dev/tty1 rw"]);
  });
});
