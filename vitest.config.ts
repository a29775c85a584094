import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    // The clustered fleet's proof (issue 18) runs on its own, `npm run test:fleet`: its daemons'
    // simulated customers do not yet follow a per-sale QR, which `checkout.identification: auto`
    // gives a sale started before the bridge's heartbeat is seen or while a node is down.
    exclude: [
      "node_modules/**",
      "dist/**",
      ...(process.env.FLEET_TEST === "1" ? [] : ["test/e2e/fleet.test.ts"]),
    ],
    // Integration tests start real brokers, ptys and HTTP servers; give them room but
    // never let one hang CI.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
