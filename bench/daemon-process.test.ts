import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { DAEMON_ENVIRONMENT, DAEMON_NODE_FLAGS } from "./daemon-process.js";

const unit = readFileSync(new URL("../systemd/pos-agent.service", import.meta.url), "utf8");

it("benchmarks the daemon with the node flags the systemd unit runs it with", () => {
  // The flags are read from the unit (unitNodeFlags); here, that they are the flags it has.
  expect(DAEMON_NODE_FLAGS).toEqual([
    "--max-semi-space-size=1",
    "--heap-growing-percent=25",
    "--liftoff-only",
  ]);
  expect(unit).toContain(`ExecStart=/usr/bin/node ${DAEMON_NODE_FLAGS.join(" ")} /opt/pos-agent/current/`);
});

it("benchmarks the daemon in the environment the systemd unit gives it", () => {
  const assignments = [...unit.matchAll(/^Environment=(\S+?)=(.*)$/gm)].map((m) => [m[1], m[2]]);
  expect(assignments.length).toBeGreaterThan(0);
  expect(DAEMON_ENVIRONMENT).toEqual(Object.fromEntries(assignments));
});
