import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import type { TarFile as TarEntry } from "@tsbuild/archive";

/**
 * A built-in image as stored in data/*.json (written by scripts/*): one line per filesystem
 * entry, in tar order, plus the real text of the small files. Line forms:
 *   d MODE UID GID PATH            directory
 *   f MODE UID GID SIZE PATH       regular file (content from `texts`, else SIZE zero bytes)
 *   l UID GID PATH -> TARGET       symlink
 *   h PATH => FIRSTPATH            hard link to an earlier regular file
 *   c|b MODE UID GID MAJ MIN PATH  device;   p MODE UID GID PATH  fifo
 */
export interface ImageSpec {
  ref: string;
  aliases: string[];
  /** The pkgsim catalog this image's package manager reads ("alpine-3.19", "bookworm", ...). */
  distro?: string;
  mtime: number;
  source: string;
  config: { Env?: string[]; Cmd?: string[]; Entrypoint?: string[]; Labels?: Record<string, string> };
  history: { created_by: string; comment?: string };
  size: number;
  entries: string[];
  texts: Record<string, string>;
}

/**
 * A data file may describe an image as changes to another one (the Ubuntu images are the
 * Debian tree with Ubuntu's identity): `set` replaces or adds entry lines by path, `drop`
 * removes paths, and every placeholder file (no text) of the result is scaled by `scale`.
 */
interface Overlay {
  base: string;
  scale: number;
  set: Record<string, string>;
  drop: string[];
}

type SpecFile = Omit<ImageSpec, "size" | "entries"> & { size?: number; entries?: string[]; overlay?: Overlay };

/** The path an entry line is about. */
export function entryPath(line: string): string {
  const kind = line[0];
  if (kind === "l") return line.split(" ").slice(3).join(" ").split(" -> ")[0];
  if (kind === "h") return line.slice(2).split(" => ")[0];
  const f = line.split(" ");
  return f.slice(kind === "f" ? 5 : kind === "c" || kind === "b" ? 6 : 4).join(" ");
}

/** Docker's walk order: parents first, siblings by byte order of their names. */
export function comparePaths(a: string, b: string): number {
  const x = a.split("/"), y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return Buffer.compare(Buffer.from(x[i]), Buffer.from(y[i]));
  }
  return x.length - y.length;
}

function applyOverlay(file: string, doc: SpecFile, overlay: Overlay): ImageSpec {
  const base = loadSpec(overlay.base);
  const texts = { ...base.texts, ...doc.texts };
  const drop = new Set(overlay.drop);
  const byPath = new Map<string, string>();
  for (const line of base.entries) {
    const p = entryPath(line);
    if (!drop.has(p)) byPath.set(p, line);
  }
  for (const [p, line] of Object.entries(overlay.set)) byPath.set(p, line);
  let size = 0;
  const entries = [...byPath.keys()].sort(comparePaths).map((p) => {
    const line = byPath.get(p)!;
    if (line[0] === "l") size += Buffer.byteLength(line.slice(line.indexOf(" -> ") + 4));
    if (line[0] !== "f") return line;
    const f = line.split(" ");
    const n = texts[p] !== undefined ? Number(f[4]) : Math.round(Number(f[4]) * overlay.scale);
    if (Number.isNaN(n)) throw new Error(`baseimages: ${file}: malformed entry ${JSON.stringify(line)}`);
    size += n;
    return `f ${f[1]} ${f[2]} ${f[3]} ${n} ${p}`;
  });
  for (const p of Object.keys(texts)) if (!byPath.has(p)) delete texts[p];
  const { overlay: _o, ...rest } = doc;
  return { ...rest, entries, texts, size };
}

const dataDir = new URL("../data/", import.meta.url);

const loaded = new Map<string, ImageSpec>();

/**
 * A data file's reference and aliases, read from its head: the generated files begin with them,
 * and naming the built-ins must not parse and expand every image (debian's overlay alone was
 * ~35 ms of a CLI build that only needed busybox, or only the names for a message).
 */
export function specNames(file: string): { ref: string; aliases: string[] } {
  const head = Buffer.alloc(2048);
  const fd = openSync(new URL(file, dataDir), "r");
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const m = /^\{\s*"ref"\s*:\s*("(?:[^"\\]|\\.)*")\s*,\s*"aliases"\s*:\s*(\[[^\]]*\])/.exec(head.toString("utf8", 0, n));
  if (!m) {
    const spec = loadSpec(file);
    return { ref: spec.ref, aliases: spec.aliases };
  }
  return { ref: JSON.parse(m[1]) as string, aliases: JSON.parse(m[2]) as string[] };
}

/** Reads (once per process) and expands a data file. */
export function loadSpec(file: string): ImageSpec {
  let spec = loaded.get(file);
  if (!spec) {
    spec = readSpec(file);
    loaded.set(file, spec);
  }
  return spec;
}

function readSpec(file: string): ImageSpec {
  const doc = JSON.parse(readFileSync(new URL(file, dataDir), "utf8")) as SpecFile;
  if (doc.overlay) return applyOverlay(file, doc, doc.overlay);
  if (!doc.entries || doc.size === undefined) throw new Error(`baseimages: ${file} has neither entries nor an overlay`);
  return doc as ImageSpec;
}

function fail(spec: ImageSpec, line: string): never {
  throw new Error(`baseimages: malformed entry in ${spec.ref}: ${JSON.stringify(line)}`);
}

/** Expands the spec's entry lines into tar entries (paths without the leading "/"). */
export function* specEntries(spec: ImageSpec): Generator<TarEntry> {
  const mtime = spec.mtime;
  // A hard link's header carries its inode's mode and owner (what lstat of the link returns).
  const files = new Map<string, { mode: number; uid: number; gid: number }>();
  for (const line of spec.entries) {
    const kind = line[0];
    const f = line.split(" ");
    const rel = (p: string) => p.replace(/^\//, "");
    if (kind === "d") {
      yield { type: "dir", mode: parseInt(f[1], 8), uid: +f[2], gid: +f[3], name: rel(f.slice(4).join(" ")), mtime };
    } else if (kind === "f") {
      const path = f.slice(5).join(" ");
      const text = spec.texts[path];
      const content = text === undefined ? undefined : Buffer.from(text, "utf8");
      if (content && content.length !== +f[4]) fail(spec, line);
      files.set(rel(path), { mode: parseInt(f[1], 8), uid: +f[2], gid: +f[3] });
      yield { type: "file", mode: parseInt(f[1], 8), uid: +f[2], gid: +f[3], size: +f[4], content, name: rel(path), mtime };
    } else if (kind === "l") {
      const rest = f.slice(3).join(" ");
      const at = rest.indexOf(" -> ");
      if (at < 0) fail(spec, line);
      yield { type: "symlink", mode: 0o777, uid: +f[1], gid: +f[2], name: rel(rest.slice(0, at)), linkname: rest.slice(at + 4), mtime };
    } else if (kind === "h") {
      const rest = line.slice(2);
      const at = rest.indexOf(" => ");
      if (at < 0) fail(spec, line);
      const target = rel(rest.slice(at + 4));
      const inode = files.get(target) ?? fail(spec, line);
      yield { type: "hardlink", ...inode, name: rel(rest.slice(0, at)), linkname: target, mtime };
    } else if (kind === "c" || kind === "b") {
      yield {
        type: kind === "c" ? "char" : "block", mode: parseInt(f[1], 8), uid: +f[2], gid: +f[3],
        devmajor: +f[4], devminor: +f[5], name: rel(f.slice(6).join(" ")), mtime,
      };
    } else if (kind === "p") {
      yield { type: "fifo", mode: parseInt(f[1], 8), uid: +f[2], gid: +f[3], name: rel(f.slice(4).join(" ")), mtime };
    } else {
      fail(spec, line);
    }
  }
}
