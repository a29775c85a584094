import { existsSync } from "node:fs";
import { chromium, type BrowserContext } from "playwright-core";
import { tempDir } from "./temp-dir.js";

/**
 * A real browser for tests of web pages: Debian's `chromium` (apt package; CI installs it),
 * driven headless by playwright-core, which never downloads a browser of its own (it has no
 * install script, and is pointed at the installed one). Each call gets a fresh profile
 * (--user-data-dir) that `close()` removes.
 */
const CHROMIUM = "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: apt-get install -y chromium (the tests never download a browser)`,
    );
  const profile = tempDir("pos-chromium-");
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: options.viewport ?? { width: 1360, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      profile.cleanup();
    },
  };
}
