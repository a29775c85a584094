/**
 * The programs outside npm that this repository needs on a developer's machine and in CI, each
 * with the Debian package that provides it: THE list. `npm start` and `npm test` check it
 * (dev-setup/prerequisites.js) and .ci/run installs from it — add a tool here when the code or
 * a test starts to need one.
 *
 * `for`: "install" — `npm ci` builds the native modules (better-sqlite3, serialport, onoff) from
 * source when it cannot download a prebuilt binary; "test" — the test suite runs it.
 */
export const SYSTEM_TOOLS = [
  { command: "python3", package: "python3", for: "install", why: "node-gyp builds the native modules" },
  { command: "make", package: "make", for: "install", why: "node-gyp builds the native modules" },
  { command: "g++", package: "g++", for: "install", why: "node-gyp builds the native modules" },
  { command: "mosquitto", package: "mosquitto", for: "test", why: "the real MQTT broker the tests start" },
  { command: "mosquitto_passwd", package: "mosquitto", for: "test", why: "the broker tests' users" },
  {
    command: "nats-server",
    package: "nats-server",
    for: "test",
    why: "the three-node broker cluster of the fleet tests (deploy/nats/)",
  },
  { command: "socat", package: "socat", for: "test", why: "real pty pairs for the register's serial cable" },
  { command: "systemd-analyze", package: "systemd", for: "test", why: "checks the unit files offline" },
  { command: "cc", package: "gcc", for: "test", why: "compiles the register protocol's C reference CRC" },
  { command: "openssl", package: "openssl", for: "test", why: "throw-away certificates for the TLS tests" },
  { command: "script", package: "bsdutils", for: "test", why: "a real terminal for the demo's QR test" },
  { command: "git", package: "git", for: "test", why: "the repository tests list the tracked files" },
  { command: "strace", package: "strace", for: "test", why: "counts the daemon's fsyncs per sale" },
  {
    command: "chromium",
    package: "chromium",
    for: "test",
    why: "the real browser the fleet page is tested in (playwright-core never downloads one)",
  },
  {
    command: "perl",
    package: "perl-base",
    for: "test",
    why: "the control socket asks it for its peer's uid",
  },
];
