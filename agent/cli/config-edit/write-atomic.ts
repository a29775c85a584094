import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Replaces an existing file's content so that after a crash or power cut at any instant the
 * file is either the old or the new one, never half of each: a temporary file in the same
 * directory (same file system, so the rename is atomic) gets the content, the original's mode
 * and owner, and an fsync; then it is renamed over the original and the directory is fsynced
 * so the rename itself is on disk. A symlink is followed: its target is replaced.
 */
export function writeFileAtomic(file: string, text: string): void {
  const target = realpathSync(file);
  const original = statSync(target);
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const mode = original.mode & 0o7777;
  const fd = openSync(temp, "wx", mode);
  try {
    writeFileSync(fd, text, "utf8");
    fchmodSync(fd, mode);
    if (original.uid !== process.geteuid?.() || original.gid !== process.getegid?.())
      fchownSync(fd, original.uid, original.gid);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, target);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
  const dirFd = openSync(dir, "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
