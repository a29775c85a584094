import { join } from "node:path";

/**
 * The daemon's CommonJS bundle and its code cache, under a build's (or a release's) `dist/`:
 * rolldown.config.ts writes the bundle, `pos-agent code-cache` the other two, beside it in the
 * release directory that only root may write (docs/operations.md, "Start-up and the code
 * cache").
 */
export interface CodeCacheFiles {
  /** `pos-agent run` as one CommonJS file. */
  readonly bundle: string;
  /** V8's compiled code for the bundle (`vm.Script#createCachedData`). */
  readonly cache: string;
  /** What the cache was made for: {@link CodeCacheMeta}. */
  readonly meta: string;
}

export function codeCacheFiles(distDir: string): CodeCacheFiles {
  const bundle = join(distDir, "daemon", "pos-agent-run.cjs");
  return { bundle, cache: `${bundle}.cache`, meta: `${bundle}.cache.json` };
}

/** The process a cache must have been made by to be used in it. */
export interface NodeRuntime {
  /** `process.version`. */
  readonly node: string;
  readonly arch: string;
  /** `process.execArgv`: for the daemon, the unit's node flags (systemd/pos-agent.service). */
  readonly nodeFlags: readonly string[];
}

export const THIS_RUNTIME: NodeRuntime = {
  node: process.version,
  arch: process.arch,
  nodeFlags: process.execArgv,
};

export const sameFlags = (a: readonly string[], b: readonly string[]): boolean => a.join(" ") === b.join(" ");

/**
 * V8 takes a cache only from the same V8 build with the same flags, and recognises the source
 * it belongs to by its length alone: the meta file records the runtime that made it and both
 * files' SHA-256, so a cache is used only for the very bundle it was made from.
 */
export interface CodeCacheMeta extends NodeRuntime {
  readonly format: 1;
  readonly bundleSha256: string;
  readonly cacheSha256: string;
}

/** The meta file's content, or undefined when it is not one this version wrote. */
export function parseCodeCacheMeta(text: string): CodeCacheMeta | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const meta = value as Record<string, unknown>;
  const isText = (key: string): boolean => typeof meta[key] === "string";
  const isSha = (key: string): boolean => typeof meta[key] === "string" && /^[0-9a-f]{64}$/.test(meta[key]);
  const flags = meta.nodeFlags;
  const ok =
    meta.format === 1 &&
    isText("node") &&
    isText("arch") &&
    Array.isArray(flags) &&
    flags.every((flag) => typeof flag === "string") &&
    isSha("bundleSha256") &&
    isSha("cacheSha256");
  return ok ? (meta as unknown as CodeCacheMeta) : undefined;
}
