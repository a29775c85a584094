import { isDeepStrictEqual } from "node:util";
import { isMap, isNode, isSeq, parseDocument, stringify, type Document } from "yaml";

/**
 * The least edit of the technician's text that sets one key: only the value's own characters
 * change (or lines are added for a key the file does not have yet), so comments, blank lines,
 * alignment and quoting elsewhere stay byte for byte. `rendered` is the same edit made with
 * the yaml Document API (comment-preserving, but it re-spaces a few things such as aligned
 * trailing comments); the splice is used only when it means exactly the same as `rendered`,
 * otherwise `rendered` itself is the answer.
 */
export function spliceEdit(original: string, path: readonly string[], rendered: string): string {
  const before = parseDocument(original);
  const after = parseDocument(rendered);
  const candidate =
    replaceValue(original, before, after, path) ?? insertKey(original, before, path, after.getIn(path));
  if (candidate === undefined) return rendered;
  const check = parseDocument(candidate);
  return check.errors.length === 0 && isDeepStrictEqual(check.toJS(), after.toJS()) ? candidate : rendered;
}

function rangeOf(node: unknown): [number, number] | undefined {
  if (!isNode(node) || node.range === undefined || node.range === null) return undefined;
  return [node.range[0], node.range[1]];
}

/** The key exists: swap the old value's source for the new value's source. */
function replaceValue(
  original: string,
  before: Document,
  after: Document,
  path: readonly string[],
): string | undefined {
  const oldNode: unknown = before.getIn(path, true);
  const newNode: unknown = after.getIn(path, true);
  const oldRange = rangeOf(oldNode);
  const newRange = rangeOf(newNode);
  if (oldRange === undefined || newRange === undefined) return undefined;
  let source = after.toString().slice(newRange[0], newRange[1]);
  // `[a, b]` as the technician wrote it, not yaml's `[ a, b ]`.
  if (isSeq(oldNode) && oldNode.flow === true && !/^\[ /.test(original.slice(oldRange[0], oldRange[1]))) {
    source = source.replace(/^\[ /, "[").replace(/ \]$/, "]");
  }
  return original.slice(0, oldRange[0]) + source + original.slice(oldRange[1]);
}

/** The key is new: add its lines after the last key of the deepest block map on its path. */
function insertKey(
  original: string,
  before: Document,
  path: readonly string[],
  value: unknown,
): string | undefined {
  let depth = path.length - 1;
  while (depth > 0 && !isMap(before.getIn(path.slice(0, depth), true))) depth--;
  const parent: unknown = depth === 0 ? before.contents : before.getIn(path.slice(0, depth), true);
  if (!isMap(parent) || parent.flow === true || parent.items.length === 0) return undefined;
  const first = parent.items[0];
  const last = parent.items[parent.items.length - 1];
  const keyStart = rangeOf(first?.key)?.[0];
  const lastEnd = rangeOf(last?.value)?.[1] ?? rangeOf(last?.key)?.[1];
  if (keyStart === undefined || lastEnd === undefined) return undefined;
  const indent = " ".repeat(keyStart - (original.lastIndexOf("\n", keyStart - 1) + 1));
  const nested = path.slice(depth).reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
  const lines = stringify(nested)
    .trimEnd()
    .split("\n")
    .map((line) => `${indent}${line}`);
  const lineEnd = original.indexOf("\n", Math.max(0, lastEnd - 1));
  const at = lineEnd === -1 ? original.length : lineEnd;
  return `${original.slice(0, at)}\n${lines.join("\n")}${lineEnd === -1 ? "\n" : ""}${original.slice(at)}`;
}
