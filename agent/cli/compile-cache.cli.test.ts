import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";
import { AGENT_BIN } from "../../test/helpers/cli.js";
import { VERSION } from "../../lib/version.js";

/**
 * Node ≥ 22.1's `module.enableCompileCache()` keeps compiled code in `os.tmpdir()`'s
 * `node-compile-cache` unless told otherwise: a directory any local user can create first, and
 * whatever code cache it holds runs in the next `sudo pos-agent …`. The built CLI must not turn
 * it on (a technician who wants it sets NODE_COMPILE_CACHE to a directory only root can write).
 * Node 20 has no such function: the preload gives it one that reports being called.
 */
it("the built CLI never turns on Node's compile cache", () => {
  const preload =
    'data:text/javascript,import m from "node:module"; m.enableCompileCache = () => { process.stdout.write("compile cache turned on\\n"); return {}; };';
  const run = spawnSync(process.execPath, ["--import", preload, AGENT_BIN, "--version"], {
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  expect(run.stdout.trim()).toBe(VERSION);
});
