import { posix } from "node:path";
import { lexists, type Owner, type FileSystem } from "@tsbuild/fs-snapshot";

export { lexists };
import { globMatch, hasWildcards } from "../match/glob.js";

/**
 * One shared zero-filled buffer, never written: placeholder contents are views of it, which the
 * RootFS adopts rather than copies (an `apk add nodejs` writes ~55 MB of them per build).
 */
let zeros = Buffer.alloc(1 << 20);
function zeroBytes(size: number): Buffer {
  if (size > zeros.length) zeros = Buffer.alloc(Math.max(size, zeros.length * 2));
  return zeros.subarray(0, size);
}


export function isDirectory(fs: FileSystem, path: string): boolean {
  return fs.exists(path) && fs.stat(path).type === "dir";
}

/** mkdir -p, new directories owned by `owner`. */
export function mkdirp(fs: FileSystem, path: string, owner: Owner): void {
  if (!isDirectory(fs, path)) fs.mkdir(path, { recursive: true, owner });
}

/**
 * A file of `size` zero bytes (what tsbuild's placeholders hold), replacing whatever non-directory
 * was at the path, the way a compiler or downloader writes its output.
 */
export function writePlaceholder(fs: FileSystem, path: string, size: number, mode: number, owner: Owner): void {
  writeContent(fs, path, zeroBytes(size), mode, owner, true);
}

/** `adopt`: the content is a buffer nobody will write to again, kept instead of copied. */
export function writeContent(fs: FileSystem, path: string, content: Buffer | string, mode: number, owner: Owner, adopt = false): void {
  mkdirp(fs, posix.dirname(path), owner);
  if (lexists(fs, path) && fs.lstat(path).type !== "dir") fs.unlink(path);
  fs.writeFile(path, content, adopt ? { mode, owner, adopt } : { mode, owner });
}

/**
 * Existing paths matching an absolute pattern whose components may hold wildcards, in
 * byte order; a pattern without wildcards yields itself if it exists.
 */
export function expandWildcards(fs: FileSystem, pattern: string): string[] {
  if (!hasWildcards(pattern)) return lexists(fs, pattern) ? [pattern] : [];
  let found = ["/"];
  for (const part of pattern.split("/").filter(Boolean)) {
    const next: string[] = [];
    for (const dir of found) {
      if (!hasWildcards(part)) {
        const p = posix.join(dir, part);
        if (lexists(fs, p)) next.push(p);
        continue;
      }
      if (!isDirectory(fs, dir)) continue;
      for (const name of fs.readdir(dir)) if (globMatch(part, name)) next.push(posix.join(dir, name));
    }
    found = next;
  }
  return found;
}

/** Totals of what a copy or a tree put on the filesystem. */
export interface Written {
  files: number;
  bytes: number;
}

/** cp -a of a file, symlink or tree, owned by `owner` (a build tool's output belongs to its user). */
export function copyPath(fs: FileSystem, from: string, to: string, owner: Owner): Written {
  const st = fs.lstat(from);
  if (st.type === "symlink") {
    mkdirp(fs, posix.dirname(to), owner);
    if (lexists(fs, to)) fs.rm(to, { recursive: true });
    fs.symlink(fs.readlink(from), to, { owner });
    return { files: 1, bytes: 0 };
  }
  if (st.type === "dir") {
    mkdirp(fs, to, owner);
    const total = { files: 0, bytes: 0 };
    for (const name of fs.readdir(from)) {
      const w = copyPath(fs, posix.join(from, name), posix.join(to, name), owner);
      total.files += w.files;
      total.bytes += w.bytes;
    }
    return total;
  }
  const data = fs.readFile(from);
  writeContent(fs, to, data, st.mode & 0o7777, owner);
  return { files: 1, bytes: data.length };
}
