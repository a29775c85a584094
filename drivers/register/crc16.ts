/**
 * CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR
 * (docs/register-protocol.md §2). Check value: crc16("123456789") = 0x29B1.
 */

const TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

/** CRC of `bytes[start, end)`; pass a previous result as `crc` to continue over more bytes. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0xffff): number {
  let value = crc;
  for (let i = start; i < end; i++)
    value = ((value << 8) & 0xffff) ^ (TABLE[((value >>> 8) ^ (bytes[i] ?? 0)) & 0xff] ?? 0);
  return value;
}

/** The 4 upper-case hex digits the wire carries. */
export function crcHex(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(4, "0");
}
