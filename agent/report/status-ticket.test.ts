import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../config/load.js";
import { renderDocumentText, validateDocument } from "../../drivers/printer/index.js";
import { decodeEscPos } from "../../test/helpers/escpos-decode.js";
import { encodeDocument } from "../../drivers/printer/index.js";
import { defaultStatus, defaultSales } from "../../test/helpers/control-api-double.js";
import { statusTicket } from "./status-ticket.js";

const CONFIG = parseConfigText(`
vipps: { clientId: c, msn: "123456", currency: NOK, webhookUrl: "https://bridge.example.com/vipps/webhook" }
till: { id: kasse1, locationDescription: Kasse 1 }
mqtt: { url: "mqtt://broker:1883" }
printer: { uri: "tcp://10.0.0.5:9100", header: [Kaffebaren AS] }
`).config;

const nic = (address: string, family: "IPv4" | "IPv6", internal = false): NetworkInterfaceInfo =>
  ({
    address,
    family,
    internal,
    netmask: "",
    mac: "00:00:00:00:00:00",
    cidr: null,
    ...(family === "IPv6" ? { scopeid: 0 } : {}),
  }) as NetworkInterfaceInfo;

describe("statusTicket", () => {
  it("lists version, till, the addresses to SSH to, each link and the QR", () => {
    if (CONFIG === undefined) throw new Error("test config invalid");
    const status = { ...defaultStatus(defaultSales()), degraded: ["printer paper near end"] };
    const ticket = statusTicket({
      status,
      config: CONFIG,
      qrContent: "https://qr.vipps.no/28/2/01/031/4712345678",
      interfaces: {
        lo: [nic("127.0.0.1", "IPv4", true), nic("::1", "IPv6", true)],
        eth0: [nic("192.168.1.23", "IPv4"), nic("fe80::1", "IPv6"), nic("2001:db8::23", "IPv6")],
        wlan0: [nic("10.0.0.7", "IPv4")],
      },
      now: Date.UTC(2026, 2, 2, 8),
    });
    expect(ticket.lines).toEqual([
      "pos-agent 0.1.0",
      "Kasse 1 (kasse1), MSN 123456",
      "IP eth0 192.168.1.23",
      "IP eth0 2001:db8::23",
      "IP wlan0 10.0.0.7",
      "register: up (reference-register)",
      "mqtt: connected",
      "vipps: ok",
      "printer: online",
      "display: ok",
      "gpio: disabled",
      "degraded: printer paper near end",
    ]);
    expect(() => validateDocument(ticket)).not.toThrow();
    const text = renderDocumentText(ticket, { columns: 42, timeZone: "Europe/Oslo" });
    expect(text).toContain("Kaffebaren AS");
    expect(text).toContain("IP eth0 192.168.1.23");
    const printed = decodeEscPos(
      Buffer.from(encodeDocument(ticket, { model: "epson-tm-t88vi", columns: 42, timeZone: "Europe/Oslo" })),
    );
    expect(printed.qrPayloads.map((p) => p.toString())).toEqual([
      "https://qr.vipps.no/28/2/01/031/4712345678",
    ]);
  });

  it("says so when there is no address and the agent is not ready, and prints without a QR", () => {
    if (CONFIG === undefined) throw new Error("test config invalid");
    const ticket = statusTicket({
      status: { ...defaultStatus([]), ready: false },
      config: CONFIG,
      interfaces: { lo: [nic("127.0.0.1", "IPv4", true)] },
      now: 0,
    });
    expect(ticket.lines).toContain("IP: no network address");
    expect(ticket.lines[ticket.lines.length - 1]).toBe("degraded: starting");
    expect(ticket.qrContent).toBeUndefined();
    expect(() => validateDocument(ticket)).not.toThrow();
  });
});
