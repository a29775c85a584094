import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A file of the build (`npm run build`) by its path under dist/, e.g. `bundle/pos-agent.js`:
 * found from the compiled benchmark (dist/bench/…) and from the sources a test imports alike.
 */
export function builtFile(pathInDist: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "dist", pathInDist);
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "dist"))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`no dist/ above ${fileURLToPath(import.meta.url)}: run npm run build`);
}
