import { ok, warn, type Check } from "./check.js";
import type { DoctorContext } from "./context.js";

const MAKE_IT = "sudo pos-agent code-cache (install.sh makes it; again after upgrading node)";

/**
 * The daemon would start from its code cache (docs/operations.md, "Start-up and the code
 * cache"). Asked of `pos-agent code-cache --check`, which runs under the service's node flags
 * and lets V8 itself judge the cache. Without one the till works, only starts slower: warn.
 */
export const codeCacheCheck: Check<DoctorContext> = {
  id: "code-cache",
  title: "code cache",
  timeoutMs: 20_000,
  async run(context) {
    const [node = process.execPath, ...script] = context.cli;
    const answer = await context.exec(node, [...script, "code-cache", "--check"], 15_000);
    const said = "error" in answer ? answer.error : answer.stdout.trim().replace(/^[✓✗] /, "");
    if (!("error" in answer) && answer.code === 0) return ok(said);
    return warn(said === "" ? "cannot tell whether the daemon uses its code cache" : said, MAKE_IT);
  },
};
