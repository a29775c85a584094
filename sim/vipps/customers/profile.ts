import { createHash } from "node:crypto";
import type { CustomerProfile } from "../options.js";

/**
 * A simulated person for each MSISDN, the same on every run: names, address and birth date are
 * picked from small lists by a hash of the number. Nothing here is a real person's data, and
 * the "national identity number" is eleven digits that merely look like one.
 */
const GIVEN = ["Kari", "Ola", "Ingrid", "Lars", "Sofie", "Mads", "Aino", "Mikko", "Freja", "Emil"] as const;
const FAMILY = [
  "Nordmann",
  "Hansen",
  "Johansen",
  "Jensen",
  "Nielsen",
  "Virtanen",
  "Korhonen",
  "Berg",
  "Lund",
  "Dahl",
] as const;

interface Place {
  readonly street: string;
  readonly postalCode: string;
  readonly region: string;
  readonly country: string;
}

const PLACES: Readonly<Record<string, Place>> = {
  "47": { street: "Robert Levins gate 5", postalCode: "0154", region: "OSLO", country: "NO" },
  "45": { street: "Strøget 12", postalCode: "1160", region: "KØBENHAVN K", country: "DK" },
  "358": { street: "Mannerheimintie 1", postalCode: "00100", region: "HELSINKI", country: "FI" },
};

function hashByte(msisdn: string, index: number): number {
  return createHash("sha256").update(`profile:${msisdn}`).digest()[index] ?? 0;
}

function placeOf(msisdn: string): Place {
  for (const prefix of ["358", "47", "45"]) if (msisdn.startsWith(prefix)) return PLACES[prefix] as Place;
  return PLACES["47"] as Place;
}

const ascii = (s: string): string =>
  s
    .normalize("NFD")
    .replace(/[^\x20-\x7e]/g, "")
    .toLowerCase();

export function simulatedProfile(msisdn: string, overrides: Partial<CustomerProfile> = {}): CustomerProfile {
  const givenName = GIVEN[hashByte(msisdn, 0) % GIVEN.length] ?? "Kari";
  const familyName = FAMILY[hashByte(msisdn, 1) % FAMILY.length] ?? "Nordmann";
  const year = 1950 + (hashByte(msisdn, 2) % 55);
  const month = 1 + (hashByte(msisdn, 3) % 12);
  const day = 1 + (hashByte(msisdn, 4) % 28);
  const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
  const place = placeOf(msisdn);
  const serial = pad((hashByte(msisdn, 5) * 256 + hashByte(msisdn, 6)) % 100_000, 5);
  return {
    givenName,
    familyName,
    email: `${ascii(givenName)}.${ascii(familyName)}.${msisdn.slice(-4)}@example.com`,
    birthdate: `${year}-${pad(month)}-${pad(day)}`,
    nin: `${pad(day)}${pad(month)}${pad(year % 100)}${serial}`,
    streetAddress: place.street,
    postalCode: place.postalCode,
    region: place.region,
    country: place.country,
    ...overrides,
  };
}
