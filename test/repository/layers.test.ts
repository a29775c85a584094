import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { layerViolations } from "./layers.js";

const root = new URL("../../", import.meta.url);

function trackedSources(): Map<string, string> {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  });
  const files = out.split("\n").filter((f) => /\.(ts|js|mjs)$/.test(f) && !/^[^/]+\.(ts|js)$/.test(f));
  const sources = new Map<string, string>();
  for (const f of files) {
    try {
      sources.set(f, readFileSync(new URL(f, root), "utf8"));
    } catch {
      // Deleted in the work tree but not yet in the index.
    }
  }
  return sources;
}

describe("layers point down (docs/architecture.md)", () => {
  it("no source file imports from a room above its own", () => {
    expect(layerViolations(trackedSources())).toEqual([]);
  });

  it("finds an upward import, a forbidden sibling and a file outside the table", () => {
    const sources = new Map([
      ["lib/topics.ts", 'import { TILL_ID_PATTERN } from "../config/schema.js";'],
      ["agent/runtime/daemon.ts", 'import { EXIT } from "../cli/exit-codes.js";'],
      ["agent/cli/main.ts", 'import { runDaemon } from "../runtime/daemon.js";'],
      ["sim/vipps/dispatcher.ts", 'export { signWebhook } from "../../agent/vipps/webhook-signature.js";'],
      ["sim/vipps/dispatcher.test.ts", 'import { x } from "../../agent/vipps/webhook-signature.js";'],
      ["attic/old.ts", ""],
    ]);
    expect(layerViolations(sources)).toEqual([
      "lib/topics.ts → config/schema.js",
      "agent/runtime/daemon.ts → agent/cli/exit-codes.js",
      "sim/vipps/dispatcher.ts → agent/vipps/webhook-signature.js",
      "attic/old.ts: in no room of the table",
    ]);
  });
});
