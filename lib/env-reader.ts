import { readFileSync } from "node:fs";

/**
 * Reads 12-factor settings from an environment, collecting one problem line per bad variable so
 * every one of them is reported at once. Problem lines name the variable and, for secrets, never
 * the value.
 */
export interface EnvReader {
  readonly problems: string[];
  /** The trimmed value; undefined when unset or blank. */
  readonly get: (name: string) => string | undefined;
  /** `NAME` or the content of the file named by `NAME_FILE` (never both; trailing newline dropped). */
  readonly secret: (name: string) => string | undefined;
  readonly int: (name: string, fallback: number, min: number, max: number) => number;
  /** A required URL whose protocol matches. */
  readonly url: (name: string, protocols: RegExp, what: string) => URL | undefined;
  /** One or more comma-separated URLs, each checked like `url`; undefined when unset or any is bad. */
  readonly urls: (name: string, protocols: RegExp, what: string) => URL[] | undefined;
  /** A path to a readable file. */
  readonly readableFile: (name: string) => string | undefined;
}

function parseUrl(text: string, protocols: RegExp): URL | undefined {
  try {
    const parsed = new URL(text);
    return protocols.test(parsed.protocol) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function envReader(env: NodeJS.ProcessEnv): EnvReader {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  const errno = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? "error";
  return {
    problems,
    get,
    secret: (name) => {
      const direct = env[name];
      const file = get(`${name}_FILE`);
      if (direct !== undefined && direct !== "" && file !== undefined) {
        problems.push(`${name} and ${name}_FILE are both set: use one`);
        return undefined;
      }
      if (file === undefined) return direct === "" ? undefined : direct;
      try {
        return readFileSync(file, "utf8").replace(/\r?\n$/, "");
      } catch (error) {
        problems.push(`${name}_FILE: cannot read ${file} (${errno(error)})`);
        return undefined;
      }
    },
    int: (name, fallback, min, max) => {
      const text = get(name);
      if (text === undefined) return fallback;
      const value = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        problems.push(`${name}: expected an integer from ${min} to ${max}, got "${text}"`);
        return fallback;
      }
      return value;
    },
    url: (name, protocols, what) => {
      const text = get(name);
      if (text === undefined) {
        problems.push(`${name}: required (${what})`);
        return undefined;
      }
      const parsed = parseUrl(text, protocols);
      if (parsed === undefined) problems.push(`${name}: expected ${what}, got "${text}"`);
      return parsed;
    },
    urls: (name, protocols, what) => {
      const text = get(name);
      if (text === undefined) {
        problems.push(`${name}: required (${what}; several comma-separated for the nodes of a cluster)`);
        return undefined;
      }
      const parts = text.split(",").map((part) => part.trim());
      const parsed = parts.map((part) => parseUrl(part, protocols));
      const bad = parts.filter((_, i) => parsed[i] === undefined);
      if (bad.length > 0) {
        problems.push(
          `${name}: expected ${what} (comma-separated), got ${bad.map((b) => `"${b}"`).join(", ")}`,
        );
        return undefined;
      }
      return parsed.filter((u): u is URL => u !== undefined);
    },
    readableFile: (name) => {
      const path = get(name);
      if (path === undefined) return undefined;
      try {
        readFileSync(path);
        return path;
      } catch (error) {
        problems.push(`${name}: cannot read ${path} (${errno(error)})`);
        return undefined;
      }
    },
  };
}
