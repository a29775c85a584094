import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { sha256 } from "./check.js";
import { compileDaemon, evaluateDaemon } from "./compile.js";
import { THIS_RUNTIME, type CodeCacheFiles, type CodeCacheMeta } from "./files.js";
import { compileCachedDaemon } from "./load.js";

/**
 * Makes the daemon's code cache in this process, whose node and flags are the ones it will be
 * used with, unless a valid one is there already (so a second install changes nothing). The
 * bundle's top level is run first — every bundled module's definitions, what a start compiles
 * before anything else — and V8's code for all it compiled is written, then the description;
 * each by rename, so a reader sees a whole old or a whole new file.
 */
export function writeCodeCache(files: CodeCacheFiles): "written" | "up to date" {
  if ("script" in compileCachedDaemon(files)) return "up to date";
  const source = readFileSync(files.bundle, "utf8");
  const script = compileDaemon(files.bundle, source);
  evaluateDaemon(script, files.bundle);
  const cachedData = script.createCachedData();
  const meta: CodeCacheMeta = {
    format: 1,
    ...THIS_RUNTIME,
    bundleSha256: sha256(source),
    cacheSha256: sha256(cachedData),
  };
  replaceFile(files.cache, cachedData);
  replaceFile(files.meta, `${JSON.stringify(meta, null, 2)}\n`);
  return "written";
}

function replaceFile(path: string, content: string | Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, content);
    // Readable by the daemon's user whatever the umask of the root shell that makes it.
    chmodSync(temporary, 0o644);
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
}
