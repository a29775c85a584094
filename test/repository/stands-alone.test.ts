import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * The repository must stand alone: a register vendor, a technician or an auditor reads it without
 * the design notes it was first written from. Every citation points into docs/ or at a public
 * page, never at a file outside the clone.
 */
const root = new URL("../../", import.meta.url);
const OUTSIDE = [
  /\.\.\/shared\b/,
  // The design notes are named in capitals (…-NOTES, …-LESSONS) and cited by "§"; this
  // repository's own docs are lower-case files under docs/.
  /\b[A-Z]+-(?:NOTES|LESSONS)\b/,
  /\b[A-Z]{6,} §/,
  /register-protocol-v1\.md/,
];

function trackedTextFiles(): string[] {
  const out = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" });
  return out
    .split("\n")
    .filter((f) => /\.(ts|js|md|sh|yaml|yml|json|conf|service|rules)$|^\.ci\//.test(f))
    .filter((f) => f !== "test/repository/stands-alone.test.ts");
}

describe("the repository stands alone", () => {
  it("no tracked file cites notes outside the repository", () => {
    const hits: string[] = [];
    for (const file of trackedTextFiles()) {
      const lines = readFileSync(new URL(file, root), "utf8").split("\n");
      lines.forEach((line, i) => {
        if (OUTSIDE.some((re) => re.test(line))) hits.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it("every section cited as docs/vipps-api.md §n exists there", () => {
    const doc = readFileSync(new URL("docs/vipps-api.md", root), "utf8");
    const sections = new Set([...doc.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]));
    // "§12.3": the third item of §12's numbered list.
    const items12 = doc.split(/^## 12\./m)[1]?.match(/^\d+\. /gm)?.length ?? 0;
    const missing: string[] = [];
    for (const file of trackedTextFiles()) {
      const text = readFileSync(new URL(file, root), "utf8");
      for (const m of text.matchAll(/vipps-api\.md\)? (§[\d.,§ –-]+)/g)) {
        for (const ref of m[1]!.matchAll(/(\d+)(?:\.(\d+))?/g)) {
          const [whole, major, minor] = ref;
          const ok = major === "12" && minor !== undefined ? Number(minor) <= items12 : sections.has(whole);
          if (!ok) missing.push(`${file}: §${whole}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
