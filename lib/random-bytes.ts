import { randomBytes } from "node:crypto";

/**
 * Where random identifiers come from (sessions, references, tokens). Production uses the
 * operating system's generator; the deterministic simulation (docs/simulation.md) plugs its
 * seeded one, so one seed replays the same identifiers.
 */
export type RandomBytes = (size: number) => Buffer;

export const systemRandomBytes: RandomBytes = (size) => randomBytes(size);

/** An RFC 9562 version 4 UUID made of `bytes`. */
export function randomUuid(bytes: RandomBytes): string {
  const b = bytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
