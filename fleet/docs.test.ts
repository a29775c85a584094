import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { healthMessageSchema } from "../lib/mqtt-contract/index.js";
import { REPO_ROOT } from "../test/helpers/cli.js";
import { fleetSubscriptions } from "./ingest/consumer.js";
import { ALERT_KINDS } from "./store/alerts.js";

/** docs/fleet.md and the health example in docs/mqtt-contract.md say what the code does. */
const read = (path: string): string => readFileSync(join(REPO_ROOT, path), "utf8");
const FLEET_DOC = read("docs/fleet.md");

describe("docs/fleet.md", () => {
  it("documents every variable the service reads and every one the example environment file sets", () => {
    // Every variable the readers are called with: get("X"), int("X", …), bool(r, "X", …), secret("X") …
    const code = ["fleet/settings.ts", "lib/mqtt-env.ts"].map(read).join("\n");
    const read_ = new Set(
      [
        ...code.matchAll(
          /\b(?:get|int|bool|oneOf|tokens|secret|url|readable)\(\s*(?:r,\s*)?"([A-Z][A-Z0-9]*_[A-Z0-9_]+)"/g,
        ),
      ].map((m) => m[1] ?? ""),
    );
    expect(read_.size).toBeGreaterThan(25);
    const example = read("systemd/pos-fleet.env.example");
    const set = new Set([...example.matchAll(/^#?([A-Z_]+)=/gm)].map((m) => m[1] ?? ""));
    for (const name of [...read_, ...set]) {
      if (name.endsWith("_FILE") || name === "STATE_DIRECTORY") continue; // a _FILE variant; set by systemd
      expect({ name, documented: FLEET_DOC.includes(`\`${name}\``) }).toEqual({ name, documented: true });
    }
  });

  it("names the topics the service subscribes to and every alert kind", () => {
    for (const topic of Object.keys(fleetSubscriptions("<prefix>", "<msn>")))
      expect(FLEET_DOC).toContain(topic.replace("<prefix>/<msn>/", ""));
    for (const kind of ALERT_KINDS) expect(FLEET_DOC).toContain(`| \`${kind}\` |`);
  });
});

describe("docs/mqtt-contract.md — the health example", () => {
  it("is a health message the contract (and so the fleet service) accepts", () => {
    const example = /- `health` \(QoS 0[\s\S]*?```json\n([\s\S]*?)\n```/.exec(
      read("docs/mqtt-contract.md"),
    )?.[1];
    expect(example).toBeDefined();
    const parsed = healthMessageSchema.safeParse(JSON.parse(example ?? "null"));
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toMatchObject({
      version: "0.1.0",
      degraded: ["printer paper out"],
      currentSale: { state: "payment_requested" },
    });
  });
});
