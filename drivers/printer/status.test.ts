import { describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { interpretStatus, parsePrinterUri } from "./index.js";

describe("interpretStatus (DLE EOT answers)", () => {
  it.each([
    ["online", 0x12, 0x12, 0x12, "online"],
    ["no answer", undefined, undefined, undefined, "unknown"],
    ["garbage instead of a status byte", 0xff, undefined, undefined, "unknown"],
    ["cover open", 0x1a, 0x16, 0x12, "cover_open"],
    ["paper end (roll sensor)", 0x1a, 0x12, 0x72, "paper_out"],
    ["paper end (offline cause only)", 0x1a, 0x32, undefined, "paper_out"],
    ["offline with an error", 0x1a, 0x52, 0x12, "offline"],
    ["offline while the feed button is held", 0x1a, 0x1a, 0x12, "offline"],
    ["offline, cause unanswered", 0x1a, undefined, undefined, "offline"],
  ] as const)("%s → %s", (_name, printer, cause, paper, expected) => {
    expect(interpretStatus(printer, cause, paper).status).toBe(expected);
  });

  it("reports paper near end without stopping", () => {
    const report = interpretStatus(0x12, 0x12, 0x1e);
    expect(report.status).toBe("online");
    expect(report.paperNearEnd).toBe(true);
  });
});

describe("parsePrinterUri", () => {
  it("reads the three transports and none", () => {
    expect(parsePrinterUri("usb:/dev/usb/lp0")).toEqual({ kind: "usb", path: "/dev/usb/lp0" });
    expect(parsePrinterUri("serial:/dev/pos-printer?baud=19200")).toEqual({
      kind: "serial",
      path: "/dev/pos-printer",
      baudRate: 19_200,
    });
    expect(parsePrinterUri("serial:/dev/ttyUSB1")).toEqual({
      kind: "serial",
      path: "/dev/ttyUSB1",
      baudRate: 9_600,
    });
    expect(parsePrinterUri("tcp://10.0.0.5:9100")).toEqual({ kind: "tcp", host: "10.0.0.5", port: 9_100 });
    expect(parsePrinterUri("tcp://printer.local")).toEqual({
      kind: "tcp",
      host: "printer.local",
      port: 9_100,
    });
    expect(parsePrinterUri("tcp://[::1]:9101/")).toEqual({ kind: "tcp", host: "::1", port: 9_101 });
    expect(parsePrinterUri("none")).toEqual({ kind: "none" });
  });

  it.each([
    "usb:dev/usb/lp0",
    "serial:/dev/x?baud=1234",
    "serial:/dev/x?speed=9600",
    "tcp://host:70000",
    "tcp://host/path",
    "lpt1",
    "http://x",
  ])("refuses %s with PRINTER_BAD_URI", (uri) => {
    let caught: unknown;
    try {
      parsePrinterUri(uri);
    } catch (error) {
      caught = error;
    }
    expect(isAgentError(caught, "PRINTER_BAD_URI")).toBe(true);
  });
});
