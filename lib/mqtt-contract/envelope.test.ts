import { describe, expect, it } from "vitest";
import { decodeEnvelope, encodeEnvelope } from "./envelope.js";

const headers = {
  "x-ms-date": "Thu, 30 Mar 2023 08:38:32 GMT",
  "x-ms-content-sha256": "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=",
  authorization:
    "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=",
};
const rawBody = Buffer.from(
  '{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}',
  "utf8",
);

function sample(): Record<string, unknown> {
  return JSON.parse(
    encodeEnvelope({
      receivedAt: new Date(Date.UTC(2026, 0, 1)),
      registeredUrl: "https://webhook.site/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63",
      headers,
      rawBody,
      route: { msn: "123456", tillId: "kasse1", event: "user.checked-in.v1" },
    }).toString("utf8"),
  ) as Record<string, unknown>;
}

describe("envelope", () => {
  it("carries the raw body bytes unchanged", () => {
    const decoded = decodeEnvelope(Buffer.from(JSON.stringify(sample())));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.rawBody.equals(rawBody)).toBe(true);
    expect(decoded.envelope.headers).toEqual(headers);
    expect(decoded.envelope.receivedAt).toBe("2026-01-01T00:00:00.000Z");
  });

  it("ignores unknown fields (forward compatible) but not an unknown version", () => {
    expect(decodeEnvelope(Buffer.from(JSON.stringify({ ...sample(), extra: 1 }))).ok).toBe(true);
    expect(decodeEnvelope(Buffer.from(JSON.stringify({ ...sample(), v: 2 })))).toMatchObject({
      ok: false,
      problem: expect.stringContaining("v:") as string,
    });
  });

  it("refuses what is not an envelope, naming the field", () => {
    const cases: [unknown, string][] = [
      ["not json {", "payload is not JSON"],
      [{ ...sample(), body: "%%%" }, "body:"],
      [{ ...sample(), body: "aGVsbG8" }, "body:"],
      [{ ...sample(), headers: { "x-ms-date": "x", authorization: "y" } }, "headers.x-ms-content-sha256:"],
      [{ ...sample(), registeredUrl: "ftp://x" }, "registeredUrl:"],
      [{ ...sample(), receivedAt: "yesterday" }, "receivedAt:"],
      [[], "(envelope)"],
    ];
    for (const [input, problem] of cases) {
      const bytes = Buffer.from(typeof input === "string" ? input : JSON.stringify(input));
      const decoded = decodeEnvelope(bytes);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.problem).toContain(problem);
    }
  });
});
