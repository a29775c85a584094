import { createHash } from "node:crypto";
import { readFileSync, statSync, type Stats } from "node:fs";
import { errorMessage } from "../../../lib/errors.js";
import { parseCodeCacheMeta, sameFlags, THIS_RUNTIME, type CodeCacheFiles } from "./files.js";

export type CheckedCodeCache =
  { ok: true; source: string; cachedData: Buffer } | { ok: false; reason: string };

export const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

/**
 * Whether the cache may be used for the bundle in this process, short of V8's own check (which
 * only compiling with it makes): made by this node, with these flags, for this very bundle, and
 * no easier to change than the bundle itself — a cache that the daemon's user could write would
 * run at its next start.
 */
export function checkCodeCache(files: CodeCacheFiles): CheckedCodeCache {
  const fail = (reason: string): CheckedCodeCache => ({ ok: false, reason });
  let bundleStat: Stats;
  let metaText: string;
  try {
    bundleStat = statSync(files.bundle);
  } catch {
    return fail(`no daemon bundle at ${files.bundle}`);
  }
  try {
    metaText = readFileSync(files.meta, "utf8");
  } catch {
    return fail("there is none (sudo pos-agent code-cache makes it)");
  }
  const meta = parseCodeCacheMeta(metaText);
  if (meta === undefined) return fail(`${files.meta} is not a code cache description`);
  if (meta.node !== THIS_RUNTIME.node || meta.arch !== THIS_RUNTIME.arch)
    return fail(
      `made by node ${meta.node} (${meta.arch}), this is node ${THIS_RUNTIME.node} (${THIS_RUNTIME.arch})`,
    );
  if (!sameFlags(meta.nodeFlags, THIS_RUNTIME.nodeFlags))
    return fail(
      `made for the node flags "${meta.nodeFlags.join(" ")}", started with "${THIS_RUNTIME.nodeFlags.join(" ")}"`,
    );
  try {
    for (const file of [files.meta, files.cache]) {
      const stat = statSync(file);
      if (stat.uid !== bundleStat.uid || (stat.mode & 0o022) !== 0)
        return fail(`${file} is not owned like the bundle, or others may write it`);
    }
    // Read as text once (the bundle is ASCII, rolldown.config.ts): its bytes are not kept twice.
    const source = readFileSync(files.bundle, "utf8");
    if (sha256(source) !== meta.bundleSha256) return fail("made for another build of the daemon");
    const cachedData = readFileSync(files.cache);
    if (sha256(cachedData) !== meta.cacheSha256) return fail("the cache file does not match its description");
    return { ok: true, source, cachedData };
  } catch (error) {
    return fail(`cannot read it: ${errorMessage(error)}`);
  }
}
