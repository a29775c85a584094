import { defineConfig, type InputOptions, type OutputOptions, type Plugin } from "rolldown";

/**
 * The `pos-agent` CLI as it ships: tsc's output (dist/agent/cli/main.js) bundled into
 * dist/bundle/, one chunk per command as main.ts loads them. Node resolving and reading ~170
 * small module files was ~200 ms of the daemon's start (measured 640 → 440 ms to READY on the
 * development machine, npm run bench), and systemd restarts it after a crash.
 *
 * Left out, loaded from node_modules at run time: packages with native addons (found next to
 * their package.json), qrcode-terminal (legacy octal escapes a bundler refuses), and mqtt.js's
 * transports (`mqtt/lib/connect/*`, with the WebSocket stack `ws` and the SOCKS client `socks`).
 * The till imports mqtt.js's public entry (`MqttClient` from "mqtt") but opens its TCP and TLS
 * sockets itself (lib/mqtt-connect.ts) and requires the WebSocket stream builder only for a
 * WebSocket broker; mqtt.js's `connect`, which the till never calls, requires its transports
 * inside the function, so left out here they are never loaded.
 */
const mqttTransports: Plugin = {
  name: "mqtt-transports-external",
  resolveId(source, importer) {
    if (
      importer === undefined ||
      !/[\\/]node_modules[\\/]mqtt[\\/]build[\\/]lib[\\/]connect[\\/]index\.js$/.test(importer)
    )
      return null;
    const transport = /^\.\/(ws|tcp|tls|wx|ali)$/.exec(source);
    return transport === null ? null : { id: `mqtt/lib/connect/${transport[1]}`, external: true };
  },
};

const shared = {
  platform: "node",
  plugins: [mqttTransports],
  external: [
    /^better-sqlite3(\/|$)/,
    /^@serialport\/bindings-cpp(\/|$)/,
    /^onoff(\/|$)/,
    /^qrcode-terminal(\/|$)/,
  ],
} satisfies InputOptions;

// ASCII only: V8 keeps a module's source text in memory, and one character outside Latin-1
// (an em dash, a QR half-block) makes the whole chunk a two-byte string. Escaped, with the
// whitespace gone, the daemon starts with ~2.5 MB less RSS (npm run bench). Names are kept
// (no mangling, no compression): stack traces and logs read as the source does.
const minify: OutputOptions["minify"] = {
  compress: false,
  mangle: false,
  codegen: { removeWhitespace: true, asciiOnly: true },
};

export default defineConfig([
  {
    input: { "pos-agent": "dist/agent/cli/main.js" },
    ...shared,
    output: {
      dir: "dist/bundle",
      // Chunk names carry a hash: without this, old ones would pile up with every build.
      cleanDir: true,
      format: "esm",
      entryFileNames: "[name].js",
      chunkFileNames: "[name]-[hash].js",
      sourcemap: true,
      minify,
    },
  },
  // The daemon alone (`pos-agent run`), as one CommonJS file, for the code cache
  // (agent/cli/code-cache/): V8 can keep the compiled code of a script it compiles through
  // `vm.Script`, not of ES modules, and one file is one cache. Without a valid cache the CLI
  // runs the ES modules above instead (this file compiles slower than they do).
  {
    input: { "pos-agent-run": "dist/agent/cli/daemon-entry.js" },
    ...shared,
    output: {
      dir: "dist/daemon",
      cleanDir: true,
      format: "cjs",
      entryFileNames: "[name].cjs",
      codeSplitting: false,
      minify,
    },
  },
]);
