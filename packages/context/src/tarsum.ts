import { createHash } from "node:crypto";
import { byteCompare } from "./gopath.js";

/** The tar header fields tarsum v1 hashes, as the daemon's tar reader sees them. */
export interface TarsumHeader {
  /** The name exactly as in the tar: "dir/" for a directory sent by the CLI, "./a" if the tar says so. */
  name: string;
  /** The raw header mode: the CLI sends permission bits only (420 for 0644). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** One character: "0" file, "1" hard link, "2" symlink, "5" directory, ... */
  typeflag: string;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** Extended attributes from PAX SCHILY.xattr.* records. */
  xattrs?: Record<string, string>;
}

/**
 * moby pkg/tarsum Version1 for one entry: sha256 over each selected header field written as
 * key+value (mtime left out, uname and gname blanked), then sorted xattrs, then the content.
 */
export function tarsumV1(h: TarsumHeader, content?: Uint8Array | Iterable<Uint8Array>): string {
  const hash = createHash("sha256");
  // One update for the whole header (the same bytes): a call into the hash per field cost more
  // than hashing a small file's content, and one template makes no array per field.
  let text = `name${h.name}mode${h.mode}uid${h.uid}gid${h.gid}size${h.size}typeflag${h.typeflag}linkname${h.linkname}unamegnamedevmajor${h.devmajor}devminor${h.devminor}`;
  if (h.xattrs) for (const key of Object.keys(h.xattrs).sort(byteCompare)) text += key + h.xattrs[key];
  hash.update(text, "utf8");
  if (content instanceof Uint8Array) {
    if (content.length > 0) hash.update(content);
  } else if (content) for (const c of content) hash.update(c);
  return hash.digest("hex");
}
