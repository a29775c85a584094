import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Screen } from "../drivers/display/index.js";
import { decodeQrPixels, rasterise, replayFrame, screenText } from "../test/helpers/terminal-screen.js";
import { Dashboard } from "./dashboard.js";

/** A writable that says it is a terminal of the given size and keeps what was written. */
function fakeTty(rows: number, columns: number): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString("utf8"));
      callback();
    },
  }) as unknown as NodeJS.WriteStream & { text: () => string };
  Object.assign(stream, { isTTY: true, rows, columns, text: () => chunks.join("") });
  return stream;
}

/** The till's qrContent as the demo's simulator makes it (38 bytes: a version 3 QR). */
const QR = "https://qr.vipps.no/c/mP2xkQ9aZr4tLw8v";
/** A receipt as long as the demo prints. */
const RECEIPT = Array.from({ length: 40 }, (_, i) => `receipt line ${i}`.padEnd(42, ".")).join("\n");
const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 100, rows: 30 },
  { columns: 120, rows: 50 },
  { columns: 200, rows: 60 },
];
const EXPECTING_A_CUSTOMER: Screen[] = [
  { kind: "idle", qrContent: QR },
  { kind: "amount", amount: { currency: "NOK", value: 8650 }, qrContent: QR },
];

/** Everything the dashboard wrote, replayed on a terminal of that size: what the customer sees now. */
function seen(out: ReturnType<typeof fakeTty>, rows: number, columns: number) {
  return replayFrame(out.text(), rows, columns);
}

/** A demo session up to the moment the customer is expected: a full story and a long receipt. */
async function session(dashboard: Dashboard, screen: Screen): Promise<void> {
  await dashboard.show({ kind: "paid", amount: { currency: "NOK", value: 4900 } });
  for (let i = 0; i < 20; i++) dashboard.say("agent", `earlier event ${i}`);
  dashboard.printed(RECEIPT);
  await dashboard.show(screen);
  dashboard.say("register", "cashier presses Vipps: pay");
  dashboard.say("display", "shows the amount and the QR");
}

describe("demo dashboard", () => {
  for (const { columns, rows } of SIZES) {
    for (const screen of EXPECTING_A_CUSTOMER) {
      it(`at ${columns}×${rows} shows a QR that decodes to exactly the till's qrContent (${screen.kind})`, async () => {
        const out = fakeTty(rows, columns);
        await session(new Dashboard(out, { language: "nb", currency: "NOK" }), screen);
        const terminal = seen(out, rows, columns);
        expect(decodeQrPixels(rasterise(terminal))?.data).toBe(QR);
        // The newest story line is still on the screen under the display.
        expect(screenText(terminal).join("\n")).toContain("display   shows the amount and the QR");
      });
    }
  }

  /** A per-sale QR as the simulator answers a `TEXT/TARGETURL` create: a landing URL with a 32-character token. */
  const PAYMENT_URL = "https://landing.vipps.no/?token=7fQTTHztrJkwEJj2IVANpyFB-IHtGf6m";
  for (const { columns, rows } of SIZES) {
    it(`at ${columns}×${rows} shows a per-sale QR that decodes to exactly the payment's URL`, async () => {
      const out = fakeTty(rows, columns);
      const screen: Screen = {
        kind: "payment_qr",
        amount: { currency: "NOK", value: 8650 },
        qrContent: PAYMENT_URL,
      };
      await session(new Dashboard(out, { language: "nb", currency: "NOK" }), screen);
      expect(decodeQrPixels(rasterise(seen(out, rows, columns)))?.data).toBe(PAYMENT_URL);
    });
  }

  it("keeps the QR in place when a story line quotes text with newlines or escape sequences", async () => {
    const out = fakeTty(24, 80);
    const dashboard = new Dashboard(out, { language: "nb", currency: "NOK" });
    await dashboard.show({ kind: "idle", qrContent: QR });
    // A member's tier or a refusal's reason comes from outside the demo.
    dashboard.say("agent", "→ register: failed (X)\n\n\n\u001b[2J\u001b[10;1Hgold\r\n");
    dashboard.say("agent", "and the next line");
    const terminal = seen(out, 24, 80);
    expect(decodeQrPixels(rasterise(terminal))?.data).toBe(QR);
    expect(screenText(terminal).join("\n")).toContain("and the next line");
  });

  it("gives the story its rows back when no customer is expected", async () => {
    const out = fakeTty(30, 100);
    const dashboard = new Dashboard(out, { language: "nb", currency: "NOK" });
    await session(dashboard, EXPECTING_A_CUSTOMER[1] as Screen);
    const whileScanning = screenText(seen(out, 30, 100)).filter((l) => l.includes("earlier event")).length;
    await dashboard.show({ kind: "paid", amount: { currency: "NOK", value: 8650 } });
    const afterwards = screenText(seen(out, 30, 100));
    expect(afterwards.filter((l) => l.includes("earlier event")).length).toBeGreaterThan(whileScanning);
    expect(afterwards.join("\n")).toContain("receipt line 0");
    expect(afterwards.join("\n")).toContain("Betalt");
  });

  it("prints plain lines when not on a terminal", () => {
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _e, cb) {
        chunks.push(chunk.toString("utf8"));
        cb();
      },
    }) as unknown as NodeJS.WriteStream;
    const dashboard = new Dashboard(out, { language: "nb", currency: "NOK" });
    void dashboard.show({ kind: "idle", qrContent: QR });
    dashboard.say("customer", "scans the QR");
    dashboard.printed("KVITTERING\nTOTALT kr 86,50");
    expect(chunks.join("")).toBe(
      "customer  scans the QR\n          | KVITTERING\n          | TOTALT kr 86,50\n",
    );
  });
});
