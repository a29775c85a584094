import { printerError } from "./errors.js";

/**
 * Where the printer is, from config `printer.uri`:
 * - `usb:/dev/usb/lp0` — the kernel's usblp device file (or a udev symlink such as /dev/pos-printer);
 * - `serial:/dev/pos-printer?baud=19200` — RS-232 / USB serial (baud default 9600);
 * - `tcp://10.0.0.5:9100` — a network printer's raw port (default 9100);
 * - `none` — no printer.
 */
export type PrinterAddress =
  | { readonly kind: "usb"; readonly path: string }
  | { readonly kind: "serial"; readonly path: string; readonly baudRate: number }
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  | { readonly kind: "none" };

const DEFAULT_SERIAL_BAUD = 9600;
const DEFAULT_TCP_PORT = 9100;
const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400];

/** Throws `PRINTER_BAD_URI` naming what is wrong. */
export function parsePrinterUri(uri: string): PrinterAddress {
  const bad = (why: string): never => {
    throw printerError("PRINTER_BAD_URI", `printer URI ${JSON.stringify(uri)}: ${why}`);
  };
  if (uri === "none") return { kind: "none" };
  if (uri.startsWith("usb:")) {
    const path = uri.slice(4);
    if (!path.startsWith("/") || path.includes("?")) bad("expected usb:/dev/…");
    return { kind: "usb", path };
  }
  if (uri.startsWith("serial:")) {
    const [path = "", query] = uri.slice(7).split("?", 2);
    if (!path.startsWith("/")) bad("expected serial:/dev/…[?baud=N]");
    let baudRate = DEFAULT_SERIAL_BAUD;
    if (query !== undefined) {
      const params = new URLSearchParams(query);
      for (const key of params.keys()) if (key !== "baud") bad(`unknown parameter ${key}`);
      const baud = Number(params.get("baud"));
      if (!BAUD_RATES.includes(baud)) bad(`baud must be one of ${BAUD_RATES.join(", ")}`);
      baudRate = baud;
    }
    return { kind: "serial", path, baudRate };
  }
  if (uri.startsWith("tcp://")) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return bad("expected tcp://host[:port]");
    }
    if (
      url.hostname === "" ||
      (url.pathname !== "" && url.pathname !== "/") ||
      url.search !== "" ||
      url.username !== ""
    ) {
      bad("expected tcp://host[:port]");
    }
    const port = url.port === "" ? DEFAULT_TCP_PORT : Number(url.port);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) bad("port must be 1–65535");
    return { kind: "tcp", host: url.hostname.replace(/^\[|\]$/g, ""), port };
  }
  return bad("expected usb:/dev/…, serial:/dev/…[?baud=N], tcp://host[:port] or none");
}
