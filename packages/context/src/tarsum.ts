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
export function tarsumV1(h: TarsumHeader, content?: Uint8Array): string {
  const hash = createHash("sha256");
  const fields: Array<[string, string]> = [
    ["name", h.name],
    ["mode", String(h.mode)],
    ["uid", String(h.uid)],
    ["gid", String(h.gid)],
    ["size", String(h.size)],
    ["typeflag", h.typeflag],
    ["linkname", h.linkname],
    ["uname", ""],
    ["gname", ""],
    ["devmajor", String(h.devmajor)],
    ["devminor", String(h.devminor)],
  ];
  for (const key of Object.keys(h.xattrs ?? {}).sort(byteCompare)) fields.push([key, h.xattrs![key]]);
  // One update for the whole header (the same bytes): a call into the hash per field cost more
  // than hashing a small file's content.
  let text = "";
  for (const [k, v] of fields) text += k + v;
  hash.update(text, "utf8");
  if (content && content.length > 0) hash.update(content);
  return hash.digest("hex");
}
