import { createHash } from "node:crypto";
import { posix } from "node:path";
import type { RootFS, Stat } from "@tsbuild/fs-snapshot";
import { containsWildcards, goMatch } from "@tsbuild/context";
import type { CopySource, SourceItem } from "./source.js";

/**
 * COPY --from: sources are paths in another stage's or image's filesystem. Wildcards match like
 * filepath.Match on each path segment.
 */
export function sourcesFromFs(fs: RootFS, patterns: string[]): CopySource[] {
  const out: CopySource[] = [];
  for (const pattern of patterns) {
    const clean = posix.normalize("/" + pattern).replace(/(.)\/+$/, "$1");
    const matches = containsWildcards(clean) ? glob(fs, clean) : [clean];
    if (matches.length === 0) throw new Error(`COPY failed: no source files were specified`);
    for (const m of matches) out.push(sourceAt(fs, m, pattern));
  }
  return out;
}

function glob(fs: RootFS, pattern: string): string[] {
  const segs = pattern.split("/").filter(Boolean);
  let cur = ["/"];
  for (const seg of segs) {
    const next: string[] = [];
    for (const dir of cur) {
      if (!containsWildcards(seg)) {
        const p = posix.join(dir, seg);
        if (exists(fs, p)) next.push(p);
        continue;
      }
      let names: string[] = [];
      try {
        names = fs.readdir(dir);
      } catch {
        continue;
      }
      for (const n of names) if (goMatch(seg, n)) next.push(posix.join(dir, n));
    }
    cur = next;
  }
  return cur;
}

function exists(fs: RootFS, p: string): boolean {
  try {
    fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

function sourceAt(fs: RootFS, path: string, pattern: string): CopySource {
  let st: Stat;
  try {
    st = fs.stat(path);
  } catch {
    throw new Error(`COPY failed: stat ${path}: file does not exist (in the --from source, as ${pattern})`);
  }
  if (st.type !== "dir") return { path, isDir: false, items: [item(fs, path, "", st)] };
  const items: SourceItem[] = [];
  walk(fs, path, "", items);
  return { path, isDir: true, items, self: item(fs, path, "", st) };
}

function walk(fs: RootFS, root: string, rel: string, out: SourceItem[]): void {
  const dir = rel ? posix.join(root, rel) : root;
  for (const name of fs.readdir(dir)) {
    const childRel = rel ? `${rel}/${name}` : name;
    const p = posix.join(root, childRel);
    const st = fs.lstat(p);
    out.push(item(fs, p, childRel, st));
    if (st.type === "dir") walk(fs, root, childRel, out);
  }
}

function item(fs: RootFS, p: string, rel: string, st: Stat): SourceItem {
  const type = st.type === "dir" ? "dir" : st.type === "symlink" ? "symlink" : "file";
  return {
    rel,
    type,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    mtime: st.mtime,
    linkname: type === "symlink" ? fs.readlink(p) : undefined,
    inode: type === "file" && st.nlink > 1 ? String(st.ino) : undefined,
    data: () => (type === "file" ? fs.readFile(p) : Buffer.alloc(0)),
    chunks: () => (type === "file" ? fs.readChunks(p) : []),
  };
}

/**
 * The history hash of a --from source (moby builder/remotecontext lazycontext + filehash): tarsum
 * of a header built from the file's own metadata (real uid/gid, host user names), then content.
 */
export function hashFromFs(fs: RootFS, sources: CopySource[]): string {
  const hashes = sources.map((s) => {
    if (!s.isDir) return "file:" + (resolvedSum(fs, s.path) ?? fileSum(s.path.slice(1), s.items[0]));
    const sums: string[] = [];
    for (const it of [s.self!, ...s.items]) {
      const sum = resolvedSum(fs, it.rel ? posix.join(s.path, it.rel) : s.path);
      // lazySource.Hash fails on a link that leads nowhere, and walkSource skips what it cannot hash.
      if (sum !== undefined) sums.push(sum);
    }
    return "dir:" + createHash("sha256").update(sums.sort().join(",")).digest("hex");
  });
  if (hashes.length === 1) return hashes[0];
  return "multi:" + createHash("sha256").update(hashes.join(",")).digest("hex");
}

/**
 * lazySource.Hash resolves the path in the image's root (the last symlink too) and hashes what it
 * lands on, named by where it landed: a link hashes as its target.
 */
function resolvedSum(fs: RootFS, path: string): string | undefined {
  let real: string;
  let st: Stat;
  try {
    real = fs.realpath(path);
    st = fs.lstat(real);
  } catch {
    return undefined;
  }
  return fileSum(real.slice(1), item(fs, real, "", st));
}

const TYPE_BITS = { file: 0o100000, dir: 0o40000, symlink: 0o120000 } as const;
const TYPEFLAG = { file: "0", dir: "5", symlink: "2" } as const;

function fileSum(name: string, it: SourceItem): string {
  const chunks = it.type === "file" ? (it.chunks?.() ?? [it.data()]) : [];
  let size = 0;
  for (const c of chunks) size += c.length;
  const header =
    `name${it.type === "dir" ? name + "/" : name}` +
    `mode${(it.mode | TYPE_BITS[it.type]).toString(10)}` +
    `uid${it.uid}gid${it.gid}size${size}typeflag${TYPEFLAG[it.type]}` +
    `linkname${it.linkname ?? ""}uname${hostName(it.uid)}gname${hostName(it.gid)}devmajor0devminor0`;
  const h = createHash("sha256").update(header);
  for (const c of chunks) h.update(c);
  return h.digest("hex");
}

/** Go's tar.FileInfoHeader looks names up on the daemon's host; there, 0 is root. */
function hostName(id: number): string {
  return id === 0 ? "root" : "";
}
