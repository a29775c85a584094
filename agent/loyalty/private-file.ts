import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { writeAll } from "./blocking-io.js";

/**
 * Writes a file only its owner can read (0600: a member export holds phone numbers), atomically:
 * a fresh temporary file beside it, fsync, then rename (overwrite) or hard link (EEXIST when
 * the file exists: nothing is replaced). The umask cannot widen 0600. The content comes in
 * pieces, written as they come: an export of any size in bounded memory.
 */
export function writePrivateFile(path: string, content: Iterable<string>, overwrite: boolean): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  rmSync(temp, { force: true });
  const fd = openSync(temp, "wx", 0o600);
  try {
    try {
      writeAll(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (overwrite) renameSync(temp, path);
    else linkSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}
