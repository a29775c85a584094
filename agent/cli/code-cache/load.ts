import type { Script } from "node:vm";
import { errorMessage } from "../../../lib/errors.js";
import { checkCodeCache } from "./check.js";
import { compileDaemon, evaluateDaemon } from "./compile.js";
import type { CodeCacheFiles } from "./files.js";
import type { CodeCacheUse } from "./use.js";

/** daemon-entry.ts's `main`. */
export type DaemonMain = (argv: readonly string[], codeCache: CodeCacheUse) => Promise<void>;

/**
 * The daemon's bundle compiled from its code cache, or why the cache is not used: the one
 * verdict the daemon, `pos-agent code-cache --check` and the writer's "up to date" share.
 */
export function compileCachedDaemon(files: CodeCacheFiles): { script: Script } | { reason: string } {
  const checked = checkCodeCache(files);
  if (!checked.ok) return { reason: checked.reason };
  const script = compileDaemon(files.bundle, checked.source, checked.cachedData);
  if (script.cachedDataRejected === true)
    return { reason: "V8 rejected it (made by another V8 build or with other flags)" };
  return { script };
}

/**
 * The daemon compiled from its code cache, or why not: then the CLI runs its ES modules as
 * without a cache (a rejected cache costs the few milliseconds V8 took to look at it).
 */
export function loadCachedDaemon(files: CodeCacheFiles): { main: DaemonMain } | { reason: string } {
  try {
    const compiled = compileCachedDaemon(files);
    if (!("script" in compiled)) return compiled;
    const main = evaluateDaemon(compiled.script, files.bundle).main;
    if (typeof main !== "function") return { reason: `${files.bundle} has no main` };
    return { main: main as DaemonMain };
  } catch (error) {
    return { reason: `its bundle failed to load: ${errorMessage(error)}` };
  }
}
