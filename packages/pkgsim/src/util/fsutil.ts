import { lexists, type FileSystem } from "@tsbuild/fs-snapshot";

export { lexists };

const ROOT = { uid: 0, gid: 0 };

/** One shared zero-filled buffer; placeholders are views of it (never written to). */
let zeros = Buffer.alloc(1 << 20);
export function zeroBytes(size: number): Buffer {
  if (size > zeros.length) zeros = Buffer.alloc(Math.max(size, zeros.length * 2));
  return zeros.subarray(0, size);
}

export function readText(fs: FileSystem, path: string): string | undefined {
  return fs.exists(path) ? fs.readFile(path).toString("utf8") : undefined;
}

export function isDir(fs: FileSystem, path: string): boolean {
  return fs.exists(path) && fs.stat(path).type === "dir";
}

/** mkdir -p with root ownership (package managers run as root). */
export function mkdirp(fs: FileSystem, path: string, mode = 0o755): void {
  if (!fs.exists(path)) fs.mkdir(path, { recursive: true, mode, owner: ROOT });
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/** Replaces a file's content, creating it (and its parents) when missing. */
export function writeText(fs: FileSystem, path: string, text: string | Buffer, mode = 0o644): void {
  mkdirp(fs, parentOf(path));
  fs.writeFile(path, text, { mode, owner: ROOT });
}

export function appendText(fs: FileSystem, path: string, text: string, mode = 0o644): void {
  mkdirp(fs, parentOf(path));
  fs.writeFile(path, text, { mode, owner: ROOT, append: true });
}

/** Removes a path if it is there (files, symlinks; directories only when empty). */
export function removeIfPresent(fs: FileSystem, path: string): boolean {
  let st;
  try {
    st = fs.lstat(path);
  } catch {
    return false;
  }
  if (st.type === "dir") {
    if (fs.readdir(path).length > 0) return false;
    fs.rmdir(path);
  } else {
    fs.unlink(path);
  }
  return true;
}

