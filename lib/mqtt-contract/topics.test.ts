import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAgentError } from "../errors.js";
import { parseTopic, tillTopic, unroutedTopic } from "./topics.js";

describe("tillTopic", () => {
  it("builds one subtree per MSN and till", () => {
    expect(tillTopic("vipps-pos", "123456", "kasse1", "webhook")).toBe("vipps-pos/123456/kasse1/webhook");
    expect(tillTopic("acme/pos", "1234", "K2", "status")).toBe("acme/pos/1234/K2/status");
  });

  it("refuses levels that could escape the subtree or act as wildcards", () => {
    for (const [prefix, msn, till] of [
      ["vipps-pos", "123456", "kasse/1"],
      ["vipps-pos", "123456", "+"],
      ["vipps-pos", "123456", "#"],
      ["vipps-pos", "12/34", "kasse1"],
      ["vipps-pos", "123", "kasse1"],
      ["vipps/#", "123456", "kasse1"],
      ["", "123456", "kasse1"],
      ["vipps-pos", "123456", "kasse-1"],
    ] as const) {
      let error: unknown;
      try {
        tillTopic(prefix, msn, till, "webhook");
      } catch (e) {
        error = e;
      }
      expect(isAgentError(error, "MQTT_BAD_TOPIC_LEVEL")).toBe(true);
    }
  });

  it("round-trips through parseTopic for every accepted input", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.constantFrom("webhook", "status", "health", "sales" as const),
        (msn, till, kind) => {
          let topic: string;
          try {
            topic = tillTopic("vipps-pos", msn, till, kind);
          } catch {
            return;
          }
          expect(parseTopic("vipps-pos", topic)).toEqual({ kind, msn, tillId: till });
        },
      ),
    );
  });
});

describe("unroutedTopic", () => {
  it("uses the MSN subtree when the MSN is usable, else the prefix", () => {
    expect(unroutedTopic("vipps-pos", "123456")).toBe("vipps-pos/123456/_unrouted");
    expect(unroutedTopic("vipps-pos", "12/34")).toBe("vipps-pos/_unrouted");
    expect(unroutedTopic("vipps-pos")).toBe("vipps-pos/_unrouted");
    expect(parseTopic("vipps-pos", "vipps-pos/123456/_unrouted")).toEqual({
      kind: "unrouted",
      msn: "123456",
    });
    expect(parseTopic("vipps-pos", "vipps-pos/_unrouted")).toEqual({ kind: "unrouted" });
  });

  it("parseTopic rejects foreign topics", () => {
    for (const t of [
      "other/123456/kasse1/webhook",
      "vipps-pos/123456/kasse1/other",
      "vipps-pos/123456/kasse1",
      "vipps-pos/123456/kasse1/webhook/x",
    ]) {
      expect(parseTopic("vipps-pos", t)).toBeUndefined();
    }
  });
});
