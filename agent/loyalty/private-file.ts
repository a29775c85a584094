import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes a file only its owner can read (0600: a member export holds phone numbers), atomically:
 * a fresh temporary file beside it, fsync, then rename (overwrite) or hard link (EEXIST when
 * the file exists: nothing is replaced). The umask cannot widen 0600.
 */
export function writePrivateFile(path: string, content: string, overwrite: boolean): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  rmSync(temp, { force: true });
  const fd = openSync(temp, "wx", 0o600);
  try {
    try {
      writeSync(fd, content);
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
