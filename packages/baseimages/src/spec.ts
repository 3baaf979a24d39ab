import { readFileSync } from "node:fs";
import type { TarEntry } from "./tar-writer.js";

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

const dataDir = new URL("../data/", import.meta.url);

export function loadSpec(file: string): ImageSpec {
  const text = readFileSync(new URL(file, dataDir), "utf8");
  return JSON.parse(text) as ImageSpec;
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
