import { randomInt } from "node:crypto";

/**
 * The CIBA `binding_message` (docs/vipps-api.md §8): shown on the customer display and in the app, so
 * the customer can see the login request is this till's. `^[A-Z0-9-]{5,8}$`; we use two groups
 * of three from an alphabet without look-alikes (no 0/O/D/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V),
 * e.g. `K7M-3XR`. It is a visual check, not a secret.
 */
export const BINDING_ALPHABET = "ACEFHJKMNPRTWXY3479";
export const BINDING_MESSAGE_PATTERN = /^[A-Z0-9-]{5,8}$/;

export function bindingMessage(pick: (n: number) => number = randomInt): string {
  const char = (): string => BINDING_ALPHABET.charAt(pick(BINDING_ALPHABET.length));
  const group = (): string => `${char()}${char()}${char()}`;
  return `${group()}-${group()}`;
}
