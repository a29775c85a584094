import { defineConfig } from "rolldown";

/**
 * The `pos-agent` CLI as it ships: tsc's output (dist/agent/cli/main.js) bundled into
 * dist/bundle/, one chunk per command as main.ts loads them. Node resolving and reading ~170
 * small module files was ~200 ms of the daemon's start (measured 640 → 440 ms to READY on the
 * development machine, npm run bench), and systemd restarts it after a crash.
 *
 * Left out, loaded from node_modules at run time: packages with native addons (found next to
 * their package.json), qrcode-terminal (legacy octal escapes a bundler refuses), and mqtt.js's
 * WebSocket stream builder with the `ws` stack, which lib/mqtt-connect.ts requires only
 * for a WebSocket broker (the client module it needs for mqtt:// and mqtts:// is bundled).
 */
export default defineConfig({
  input: { "pos-agent": "dist/agent/cli/main.js" },
  platform: "node",
  external: [
    /^better-sqlite3(\/|$)/,
    /^@serialport\/bindings-cpp(\/|$)/,
    /^onoff(\/|$)/,
    /^qrcode-terminal(\/|$)/,
  ],
  output: {
    dir: "dist/bundle",
    // Chunk names carry a hash: without this, old ones would pile up with every build.
    cleanDir: true,
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "[name]-[hash].js",
    sourcemap: true,
  },
});
