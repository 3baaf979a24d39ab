import { gunzipSync } from "node:zlib";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import { readTar } from "../deb/real/tar.js";

export interface ExtractOptions {
  owner: { uid: number; gid: number };
  /** npm's umask (022 unless configured). */
  umask: number;
  /** Paths inside the package (after `package/` is stripped) that are bins: made executable. */
  bins: Set<string>;
  /** node-tar keeps the archive's owners when it runs as root (pacote does not turn that off). */
  preserveOwner: boolean;
}

/**
 * Unpacks an npm tarball into `dest` as pacote 15 / node-tar do for npm 9: the first path
 * component is stripped, only files are taken (directory entries are skipped and made implicitly
 * 0777 & ~umask; links are dropped), file modes are ((mode | 0666) & ~umask) | 0600, plus 0111 for
 * bins; owners are the archive's when running as root (measured: npm 9.2 as root keeps a
 * tarball's 501/20), else the running user's; `.gitignore` becomes `.npmignore` unless the package has one.
 */
export async function extractPackage(fs: FileSystem, tgz: Buffer, dest: string, o: ExtractOptions): Promise<number> {
  const tar = tgz[0] === 0x1f && tgz[1] === 0x8b ? gunzipSync(tgz) : tgz;
  const items = await readTar(tar);
  const dirMode = 0o777 & ~o.umask;
  mkdirs(fs, dest, dirMode, o.owner);
  const sawIgnores = new Set<string>();
  let files = 0;
  for (const item of items) {
    if (item.type !== "file") continue;
    const parts = item.name.split("/").filter((c) => c !== "" && c !== ".");
    if (parts.length < 2 || parts.some((c) => c === "..")) continue;
    let rel = parts.slice(1).join("/");
    const base = parts[parts.length - 1];
    if (base === ".npmignore") sawIgnores.add(rel);
    else if (base === ".gitignore") {
      const ni = rel.replace(/\.gitignore$/, ".npmignore");
      if (sawIgnores.has(ni)) continue;
      rel = ni;
    }
    const exe = o.bins.has(rel) ? 0o111 : 0;
    const mode = (((item.mode | 0o666) & ~o.umask) | exe | 0o600) & 0o7777;
    const path = `${dest}/${rel}`;
    mkdirs(fs, path.slice(0, path.lastIndexOf("/")), dirMode, o.owner);
    const owner = o.preserveOwner ? { uid: item.uid, gid: item.gid } : o.owner;
    if (lexistsFile(fs, path)) fs.unlink(path);
    fs.writeFile(path, item.data, { mode, owner });
    fs.chmod(path, mode);
    files++;
  }
  return files;
}

/** mkdir -p with the given mode and owner for each directory it makes. */
export function mkdirs(fs: FileSystem, path: string, mode: number, owner: { uid: number; gid: number }): void {
  if (fs.exists(path)) return;
  const parent = path.slice(0, path.lastIndexOf("/")) || "/";
  mkdirs(fs, parent, mode, owner);
  fs.mkdir(path, { mode, owner });
}

function lexistsFile(fs: FileSystem, path: string): boolean {
  try {
    return fs.lstat(path).type !== "dir";
  } catch {
    return false;
  }
}
