import { createRequire } from "node:module";
import { crc32, deflateSync } from "node:zlib";

/**
 * Renders a QR code image of `qrContent`, so `qrImageUrl` points at something a browser or a
 * printer can really fetch (Vipps serves these from qr.vipps.no; the simulator serves them
 * itself). The QR matrix comes from the encoder qrcode-terminal ships (already a dependency for
 * the customer display); only the SVG/PNG encoding is here.
 */
interface QrMatrix {
  addData(data: string): void;
  make(): void;
  getModuleCount(): number;
  isDark(row: number, col: number): boolean;
}

const require = createRequire(import.meta.url);
const QRCode = require("qrcode-terminal/vendor/QRCode/index.js") as new (
  typeNumber: number,
  level: number,
) => QrMatrix;
/** Error correction level M (the vendored module's numbering: L=1, M=0, Q=3, H=2). */
const LEVEL_M = 0;
/** The quiet zone the QR standard asks for, in modules. */
const QUIET = 4;

function matrix(content: string): { size: number; dark: (r: number, c: number) => boolean } {
  const qr = new QRCode(-1, LEVEL_M);
  qr.addData(content);
  qr.make();
  return { size: qr.getModuleCount(), dark: (r, c) => qr.isDark(r, c) };
}

export function qrSvg(content: string): string {
  const m = matrix(content);
  const total = m.size + 2 * QUIET;
  const parts: string[] = [];
  for (let r = 0; r < m.size; r++)
    for (let c = 0; c < m.size; c++) if (m.dark(r, c)) parts.push(`M${c + QUIET} ${r + QUIET}h1v1h-1z`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${total} ${total}" shape-rendering="crispEdges">` +
    `<rect width="${total}" height="${total}" fill="#fff"/><path d="${parts.join("")}" fill="#000"/></svg>`
  );
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A `sizePx` × `sizePx` 8-bit grayscale PNG (QR API `QrImageSize`, 100–2000). */
export function qrPng(content: string, sizePx: number): Buffer {
  const m = matrix(content);
  const modules = m.size + 2 * QUIET;
  const scale = Math.max(1, Math.floor(sizePx / modules));
  const offset = Math.floor((sizePx - modules * scale) / 2);
  const rows = Buffer.alloc((sizePx + 1) * sizePx, 255);
  for (let y = 0; y < sizePx; y++) {
    rows[y * (sizePx + 1)] = 0; // filter type "None"
    const r = Math.floor((y - offset) / scale) - QUIET;
    if (r < 0 || r >= m.size) continue;
    for (let x = 0; x < sizePx; x++) {
      const c = Math.floor((x - offset) / scale) - QUIET;
      if (c >= 0 && c < m.size && m.dark(r, c)) rows[y * (sizePx + 1) + 1 + x] = 0;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(sizePx, 0);
  header.writeUInt32BE(sizePx, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(0, 9); // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
