import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../../lib/exit-codes.js";

const OPERATIONS = readFileSync(new URL("../../../docs/operations.md", import.meta.url), "utf8");

describe("docs/operations.md", () => {
  it("documents every exit code of pos-agent in its Exit codes table", () => {
    const section = OPERATIONS.slice(
      OPERATIONS.indexOf("## Exit codes"),
      OPERATIONS.indexOf("## Troubleshooting"),
    );
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    for (const [name, code] of Object.entries(EXIT)) expect(documented, name).toContain(code);
  });

  it("has a section for every technician command", () => {
    for (const heading of [
      "### `pos-agent doctor`",
      "### `pos-agent status`",
      "### `setup`",
      "### `report`",
      "### `reprint` and `refund`",
      "### `config get` and `config set`",
      "### The control socket",
      "### Reload (SIGHUP) or restart",
    ]) {
      expect(OPERATIONS).toContain(heading);
    }
  });
});
