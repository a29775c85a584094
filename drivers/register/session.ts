import { systemRandomBytes, type RandomBytes } from "../../lib/random-bytes.js";

/**
 * A fresh `session` for a hello (docs/register-protocol.md §3.3, extension): 64 random bits as
 * 16 lower-case hex digits. Random rather than counted so that a restarted process can never
 * repeat the session its peer accepted from the previous one.
 */
export function randomSession(bytes: RandomBytes = systemRandomBytes): string {
  return bytes(8).toString("hex");
}
