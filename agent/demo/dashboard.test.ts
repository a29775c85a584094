import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { decodeQrPixels, rasterise, replayFrame, screenText } from "../../test/helpers/terminal-screen.js";
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

const QR = "https://qr.vipps.no/28/2/01/031/ab12cd34ef";

describe("demo dashboard", () => {
  it("draws the customer display with a QR a phone can scan, and the story under it", async () => {
    const out = fakeTty(50, 120);
    const dashboard = new Dashboard(out, { language: "nb", currency: "NOK" });
    await dashboard.show({ kind: "amount", amount: { currency: "NOK", value: 8650 }, qrContent: QR });
    dashboard.say("register", "cashier presses Vipps: pay");
    const written = out.text();
    const lastFrame = written.slice(written.lastIndexOf("\u001b[H\u001b[2J"));
    const screen = replayFrame(lastFrame, 50, 120);
    expect(decodeQrPixels(rasterise(screen))?.data).toBe(QR);
    const text = screenText(screen).join("\n");
    expect(text).toContain("register  cashier presses Vipps: pay");
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
