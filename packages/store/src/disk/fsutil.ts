import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes a file by temp name + rename in the same directory, as Docker's ioutils.AtomicWriteFile.
 * Synchronously: these are small metadata files, several per build step.
 */
export async function atomicWrite(path: string, data: string | Buffer, mode = 0o644, dirMade = false): Promise<void> {
  const dir = dirname(path);
  if (!dirMade) mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.tmp-${basename(path)}${randomBytes(6).toString("hex")}`);
  try {
    writeFileSync(tmp, data, { mode, flag: "wx" });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The file's text, or undefined when it does not exist. */
export function readTextIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw e;
  }
}

export function readBytesIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw e;
  }
}
