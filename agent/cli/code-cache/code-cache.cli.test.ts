import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyBuiltRelease } from "../../../test/helpers/built-release.js";
import { runCli, serviceNodeFlags } from "../../../test/helpers/cli.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { sha256 } from "./check.js";
import { codeCacheFiles, parseCodeCacheMeta } from "./files.js";

/**
 * `pos-agent code-cache` on a copy of the build laid out as a release, run with plain node as
 * install.sh runs it: it must make the cache for the service unit's node flags (V8 takes no
 * other), and `--check` must refuse every cache the daemon must not run — V8's own verdict
 * included, which only compiling with the unit's flags gives.
 */
describe("pos-agent code-cache", { timeout: 60_000 }, () => {
  let dir: ReturnType<typeof tempDir>;
  let release: { path: string; bin: string };
  let files: ReturnType<typeof codeCacheFiles>;
  const unitFlags = serviceNodeFlags();
  const cli = (...args: string[]) => runCli(["code-cache", ...args], { bin: release.bin });
  const meta = () => parseCodeCacheMeta(readFileSync(files.meta, "utf8"));

  beforeEach(() => {
    dir = tempDir("pos-code-cache-");
    release = copyBuiltRelease(join(dir.path, "release"));
    files = codeCacheFiles(join(release.path, "dist"));
  });
  afterEach(() => dir.cleanup());

  it("makes the cache for the unit's node flags, readable by the daemon's user, once", async () => {
    const none = await cli("--check");
    expect(none.stdout).toContain("does not use a code cache: there is none");
    expect(none.code).toBe(1);

    const made = await cli();
    expect(made.stderr).toBe("");
    expect(made.stdout).toMatch(/✓ code cache written: .*pos-agent-run\.cjs\.cache \(\d+ kB\)/);
    expect(made.code).toBe(0);
    expect(meta()).toMatchObject({ node: process.version, arch: process.arch, nodeFlags: unitFlags });
    for (const file of [files.cache, files.meta]) expect(statSync(file).mode & 0o777).toBe(0o644);

    const checked = await cli("--check");
    expect(checked.stdout).toContain("✓ the daemon uses its code cache");
    expect(checked.code).toBe(0);

    const mtime = statSync(files.cache).mtimeMs;
    const again = await cli();
    expect(again.stdout).toContain("✓ the code cache is up to date");
    expect(statSync(files.cache).mtimeMs).toBe(mtime);
  });

  it("refuses a cache that others may write, that was changed, or that describes nothing", async () => {
    expect((await cli()).code).toBe(0);
    const refused = async (pattern: RegExp): Promise<void> => {
      const result = await cli("--check");
      expect(result.stdout).toMatch(pattern);
      expect(result.code).toBe(1);
    };

    chmodSync(files.cache, 0o664);
    await refused(/others may write it/);
    chmodSync(files.cache, 0o644);

    const cache = readFileSync(files.cache);
    cache.writeUInt8(cache.readUInt8(cache.length - 1) ^ 1, cache.length - 1);
    writeFileSync(files.cache, cache);
    await refused(/the cache file does not match its description/);

    writeFileSync(files.meta, "{}");
    await refused(/is not a code cache description/);
  });

  it("refuses a cache made for another bundle of the same length, which V8 alone would take", async () => {
    expect((await cli()).code).toBe(0);
    const bundle = readFileSync(files.bundle, "latin1");
    const changed = bundle.replace("agent serving", "agent SERVING");
    expect(changed).not.toBe(bundle);
    writeFileSync(files.bundle, changed, "latin1");
    const result = await cli("--check");
    expect(result.stdout).toContain("made for another build of the daemon");
    expect(result.code).toBe(1);

    // Why the hash is checked: told it is the same bundle, V8 takes the old code for it.
    writeFileSync(files.meta, JSON.stringify({ ...meta(), bundleSha256: sha256(changed) }));
    expect((await cli("--check")).stdout).toContain("✓ the daemon uses its code cache");
  });

  it("refuses a cache made under other node flags, by its description and by V8", async () => {
    expect((await cli("--node-flags", "--max-semi-space-size=2")).code).toBe(0);
    const described = await cli("--check");
    expect(described.stdout).toContain('made for the node flags "--max-semi-space-size=2"');
    expect(described.code).toBe(1);

    // The description rewritten to claim the unit's flags: V8 itself must say no.
    const lying = { ...meta(), nodeFlags: unitFlags };
    writeFileSync(files.meta, JSON.stringify(lying));
    const rejected = await cli("--check");
    expect(rejected.stdout).toContain("V8 rejected it");
    expect(rejected.code).toBe(1);
  });

  it("says so when the build has no daemon bundle", async () => {
    rmSync(files.bundle);
    const result = await cli();
    expect(result.stderr).toMatch(/✗ no daemon bundle at .*pos-agent-run\.cjs/);
    expect(result.code).toBe(69);
  });
});
