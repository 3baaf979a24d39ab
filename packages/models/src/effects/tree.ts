import { posix } from "node:path";
import type { Owner, FileSystem } from "@tsbuild/fs-snapshot";
import { mkdirp, writePlaceholder, type Written } from "./fsops.js";

/** Files per directory of a generated tree (a tree of thousands of files gets subdirectories). */
const FANOUT = 100;

/**
 * A deterministic tree of `files` placeholder files holding `bytes` in total, spread evenly, in
 * `dir` (created if missing): file-001 ... directly, or in part-01/, part-02/ ... of at most
 * 100 files each when there are more than 100. `ext` is appended to the file names.
 */
export function writeTree(fs: FileSystem, dir: string, files: number, bytes: number, opts: { mode: number; owner: Owner; ext?: string }): Written {
  mkdirp(fs, dir, opts.owner);
  const names = placeholderNames(files, opts.ext ?? "");
  names.forEach((name, i) => writePlaceholder(fs, posix.join(dir, name), share(bytes, files, i), opts.mode, opts.owner));
  return { files, bytes: files === 0 ? 0 : bytes };
}

/** The i-th of n even shares of total (the first total % n shares one byte larger). */
export function share(total: number, n: number, i: number): number {
  return Math.floor(total / n) + (i < total % n ? 1 : 0);
}

/** Relative names of n placeholder files. */
export function placeholderNames(n: number, ext: string): string[] {
  const width = Math.max(3, String(n).length);
  const file = (i: number) => `file-${String(i + 1).padStart(width, "0")}${ext}`;
  if (n <= FANOUT) return Array.from({ length: n }, (_, i) => file(i));
  const parts = Math.ceil(n / FANOUT);
  const pw = Math.max(2, String(parts).length);
  return Array.from({ length: n }, (_, i) => `part-${String(Math.floor(i / FANOUT) + 1).padStart(pw, "0")}/${file(i)}`);
}
