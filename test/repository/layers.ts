import { posix } from "node:path";

/**
 * The rooms of the repository and which rooms each may import from (docs/architecture.md, "Layers
 * point down"). Code points down: a lower room never imports a higher one, so the till's artifact
 * holds nothing of the cloud's or the demo's, and a change low down is read by everything above
 * it, never the other way round. The room of a file is the longest prefix that matches it.
 *
 * Tests (`*.test.ts`), test/ and test support (`…/testing/`) may import anything: they build the
 * parts they prove. Relative imports only; packages are the package.json's business.
 */
export interface Room {
  readonly room: string;
  /** Rooms (path prefixes) this room may import from, besides itself. */
  readonly may: readonly string[];
  /** Rooms below `room` in the tree that it must not import, though `may` allows their parent. */
  readonly mayNot?: readonly string[];
}

const ROOMS: readonly Room[] = [
  { room: "lib/", may: [] },
  { room: "config/", may: ["lib/"] },
  { room: "drivers/", may: ["lib/", "config/"] },
  // The technician's CLI is the top of the till: nothing in the agent imports it.
  { room: "agent/", may: ["lib/", "config/", "drivers/"], mayNot: ["agent/cli/"] },
  { room: "agent/cli/", may: ["lib/", "config/", "drivers/", "agent/"] },
  // The demo wires the agent, the simulator, the bridge and an embedded broker: a composition root.
  { room: "demo/", may: ["*"] },
  // The deterministic simulation (npm run simulate) runs the agent against simulated parts.
  { room: "simulation/", may: ["*"] },
  // The reference register speaks the register protocol through the driver's codec.
  { room: "sim/", may: ["lib/", "config/", "drivers/register/"] },
  // `pos-bridge webhooks` registers the webhook with the Vipps client and its event names.
  { room: "bridge/", may: ["lib/", "config/", "agent/vipps/", "agent/mqtt/"] },
  // The fleet service reads the tills' topics with the agent's MQTT connection and SQLite store.
  {
    room: "fleet/",
    may: ["lib/", "config/", "agent/store/", "agent/mqtt/", "agent/report/", "agent/vipps/", "bridge/cli/"],
  },
  { room: "bench/", may: ["*"] },
  { room: "dev-setup/", may: ["*"] },
  { room: "test/", may: ["*"] },
];

const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

function isTestCode(file: string): boolean {
  return file.startsWith("test/") || /\.test\.ts$/.test(file) || file.includes("/testing/");
}

function roomOf(file: string, rooms: readonly Room[] = ROOMS): Room | undefined {
  let best: Room | undefined;
  for (const r of rooms) if (file.startsWith(r.room) && r.room.length > (best?.room.length ?? 0)) best = r;
  return best;
}

/** Every import that points where its room may not, as `file → target`. */
export function layerViolations(
  sources: ReadonlyMap<string, string>,
  rooms: readonly Room[] = ROOMS,
): string[] {
  const out: string[] = [];
  for (const [file, text] of sources) {
    if (isTestCode(file)) continue;
    const room = roomOf(file, rooms);
    if (room === undefined) {
      out.push(`${file}: in no room of the table`);
      continue;
    }
    if (room.may.includes("*")) continue;
    for (const m of text.matchAll(IMPORT)) {
      const target = posix.normalize(posix.join(posix.dirname(file), m[1]!));
      const allowed =
        (target.startsWith(room.room) || room.may.some((p) => target.startsWith(p))) &&
        !(room.mayNot ?? []).some((p) => target.startsWith(p) && !file.startsWith(p));
      if (!allowed) out.push(`${file} → ${target}`);
    }
  }
  return out;
}
