import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyBuiltRelease } from "../../test/helpers/built-release.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { codeCacheCheck } from "./code-cache-check.js";
import { defaultEnvironment } from "./index.js";

/** The doctor's code cache line, asking a real copy of the built CLI as a till's doctor would. */
describe("doctor: code cache", { timeout: 60_000 }, () => {
  let dir: ReturnType<typeof tempDir>;
  let release: ReturnType<typeof copyBuiltRelease>;
  beforeEach(() => {
    dir = tempDir("pos-doctor-code-cache-");
    release = copyBuiltRelease(join(dir.path, "release"));
  });
  afterEach(() => dir.cleanup());

  const check = () =>
    codeCacheCheck.run(
      {
        ...defaultEnvironment(join(dir.path, "absent.yaml")),
        cli: [process.execPath, release.bin],
        done: new AbortController().signal,
      },
      new AbortController().signal,
    );

  it("warns, with the command that makes it, when the daemon has none", async () => {
    expect(await check()).toEqual({
      status: "warn",
      detail: "the daemon does not use a code cache: there is none (sudo pos-agent code-cache makes it)",
      hint: expect.stringContaining("sudo pos-agent code-cache") as unknown,
    });
  });

  it("is ok once it is made for the unit's flags", async () => {
    execFileSync(process.execPath, [release.bin, "code-cache"], { stdio: "ignore" });
    expect(await check()).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("the daemon uses its code cache") as unknown,
    });
  });

  it("warns when it was made under other node flags", async () => {
    execFileSync(process.execPath, [release.bin, "code-cache", "--node-flags", "--max-semi-space-size=2"], {
      stdio: "ignore",
    });
    expect(await check()).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("made for the node flags") as unknown,
    });
  });
});
