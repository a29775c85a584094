import { isDeepStrictEqual } from "node:util";
import { isSeq, parseDocument } from "yaml";
import { parseConfigText, readYaml } from "../../../config/load.js";
import { parseValue } from "./parse-value.js";
import { spliceEdit } from "./splice.js";
import { allKeys, keyKind, secretFileFor, type KeyKind } from "./schema-keys.js";

/**
 * `config get/set` without I/O: find a key in the schema, and set a value in the YAML text
 * keeping every comment, blank line and the order of keys (the yaml Document API edits the
 * parsed document; splice.ts then changes only the value's own characters in the original
 * text), then validate the WHOLE result with the loader's own rules.
 */
export type ConfigEditCode =
  /** Not a key of the schema. */
  | "CONFIG_UNKNOWN_KEY"
  /** A secret: those are files, never config keys. */
  | "CONFIG_SECRET_KEY"
  /** The value does not have the key's type. */
  | "CONFIG_BAD_VALUE"
  /** The file does not parse as YAML, or the result would not be a valid config. */
  | "CONFIG_INVALID";

export interface Refusal {
  readonly ok: false;
  readonly code: ConfigEditCode;
  readonly problems: readonly string[];
}

export function findKey(
  key: string,
  secretsDirectory: string,
): { ok: true; path: string[]; kind: KeyKind } | Refusal {
  const path = key.split(".");
  const kind = path.every((p) => p !== "") ? keyKind(path) : undefined;
  if (kind !== undefined) return { ok: true, path, kind };
  const secretFile = secretFileFor(path);
  if (secretFile !== undefined) {
    const where = secretFile === "" ? secretsDirectory : `${secretsDirectory}/${secretFile}`;
    return {
      ok: false,
      code: "CONFIG_SECRET_KEY",
      problems: [
        `${key}: secrets are not in the config file; they are files, one per secret: ${where} (or systemd credentials, see docs/operations.md "Secrets")`,
      ],
    };
  }
  const section = path[0] ?? "";
  const near = allKeys().filter((k) => k.startsWith(`${section}.`));
  return {
    ok: false,
    code: "CONFIG_UNKNOWN_KEY",
    problems: [
      `${key}: unknown key${near.length > 0 ? `; ${section} has ${near.join(", ")}` : `; sections: ${[...new Set(allKeys().map((k) => k.split(".")[0]))].join(", ")}`}`,
    ],
  };
}

export type SetResult =
  | {
      readonly ok: true;
      readonly text: string;
      readonly changed: boolean;
      readonly previous: unknown;
      readonly value: unknown;
    }
  | Refusal;

export function setConfigValue(
  text: string,
  key: string,
  valueText: string,
  secretsDirectory: string,
): SetResult {
  const found = findKey(key, secretsDirectory);
  if (!found.ok) return found;
  const parsed = parseValue(found.kind, valueText);
  if (!parsed.ok) return { ok: false, code: "CONFIG_BAD_VALUE", problems: [`${key}: ${parsed.problem}`] };

  // The file must read as YAML first (syntax, aliases): a value may fix the schema, not that.
  const original = readYaml(text);
  if (!original.ok) {
    return {
      ok: false,
      code: "CONFIG_INVALID",
      problems: original.problems,
    };
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  const previousNode: unknown = doc.getIn(found.path, true);
  const previous: unknown = doc.getIn(found.path);
  if (Array.isArray(parsed.value)) {
    // A list written in flow style ([a, b]) stays in flow style.
    const node = doc.createNode(parsed.value);
    if (isSeq(previousNode) && previousNode.flow === true) node.flow = true;
    doc.setIn(found.path, node);
  } else {
    // A scalar keeps its node, and with it its quoting and trailing comment.
    doc.setIn(found.path, parsed.value);
  }
  const next = spliceEdit(text, found.path, doc.toString());

  // What was written must read back as exactly the value given (quoting, types).
  const written = readYaml(next);
  const reread = found.path.reduce<unknown>(
    (node, segment) => (node as Record<string, unknown> | undefined)?.[segment],
    written.ok ? written.value : undefined,
  );
  if (!isDeepStrictEqual(reread, parsed.value)) {
    return {
      ok: false,
      code: "CONFIG_BAD_VALUE",
      problems: [`${key}: the value would not read back unchanged from YAML; edit the file by hand`],
    };
  }
  const check = parseConfigText(next);
  if (check.config === undefined) return { ok: false, code: "CONFIG_INVALID", problems: check.problems };
  return { ok: true, text: next, changed: next !== text, previous, value: parsed.value };
}
