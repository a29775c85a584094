import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { unitNodeFlags } from "./unit-node-flags.js";

describe("unitNodeFlags", () => {
  it("reads the node flags between the program and the script of the shipped unit", () => {
    const unit = readFileSync(new URL("../../systemd/pos-agent.service", import.meta.url), "utf8");
    expect(unitNodeFlags(unit)).toEqual([
      "--max-semi-space-size=1",
      "--heap-growing-percent=25",
      "--liftoff-only",
    ]);
  });

  it("stops at the script: the command's own options are not node's", () => {
    expect(unitNodeFlags("[Service]\nExecStart=/usr/bin/node /opt/x.js run --config /etc/x.yaml\n")).toEqual(
      [],
    );
    expect(unitNodeFlags("ExecStart=/usr/local/bin/node  --a=1   -b /opt/x.js --c\n")).toEqual([
      "--a=1",
      "-b",
    ]);
  });

  it("refuses a unit without ExecStart= or without a script", () => {
    expect(() => unitNodeFlags("[Service]\nType=notify\n")).toThrow(/no ExecStart=/);
    expect(() => unitNodeFlags("ExecStart=/usr/bin/node --a\n")).toThrow(/names no script/);
  });
});
