import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { DAEMON_NODE_FLAGS } from "./daemon-process.js";

it("benchmarks the daemon with the node flags the systemd unit runs it with", () => {
  const unit = readFileSync(new URL("../systemd/pos-agent.service", import.meta.url), "utf8");
  const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? "";
  const flags = execStart
    .split(" ")
    .slice(1)
    .filter((word) => word.startsWith("--"));
  expect(DAEMON_NODE_FLAGS).toEqual(flags.filter((f) => f !== "--config"));
});
