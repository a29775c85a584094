import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../config/load.js";
import { registerLinkOptions, serialTransportOptions } from "./options.js";

describe("options from the config's register section", () => {
  it("carries the documented example's settings to the link and the serial device", () => {
    const { config, problems } = parseConfigText(
      readFileSync(new URL("../../config/pos-agent.example.yaml", import.meta.url), "utf8"),
    );
    expect(problems).toEqual([]);
    if (config === undefined) return;
    expect(registerLinkOptions(config.register)).toEqual({
      ackTimeoutMs: 1000,
      maxRetransmits: 3,
      heartbeatIntervalMs: 5000,
    });
    expect(
      serialTransportOptions({
        ...config.register,
        path: "/dev/serial/by-id/usb-FTDI-if00",
        baudRate: 9600,
        parity: "even",
      }),
    ).toEqual({
      path: "/dev/serial/by-id/usb-FTDI-if00",
      baudRate: 9600,
      dataBits: 8,
      parity: "even",
      stopBits: 1,
      rtscts: false,
      reopenMinMs: 500,
      reopenMaxMs: 30_000,
    });
  });
});
