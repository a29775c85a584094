import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { DAEMON_ENVIRONMENT, DAEMON_NODE_FLAGS } from "./daemon-process.js";

const unit = readFileSync(new URL("../systemd/pos-agent.service", import.meta.url), "utf8");

it("benchmarks the daemon with the node flags the systemd unit runs it with", () => {
  const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? "";
  const flags = execStart
    .split(" ")
    .slice(1)
    .filter((word) => word.startsWith("--"));
  expect(DAEMON_NODE_FLAGS).toEqual(flags.filter((f) => f !== "--config"));
});

it("benchmarks the daemon in the environment the systemd unit gives it", () => {
  const assignments = [...unit.matchAll(/^Environment=(\S+?)=(.*)$/gm)].map((m) => [m[1], m[2]]);
  expect(assignments.length).toBeGreaterThan(0);
  expect(DAEMON_ENVIRONMENT).toEqual(Object.fromEntries(assignments));
});
