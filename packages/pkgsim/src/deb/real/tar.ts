import { ByteReader, chunksOf, walkTar } from "@tsbuild/archive";

export interface TarItem {
  /** Normalised: no leading "./", no trailing "/" ("" for the root entry). */
  name: string;
  type: "file" | "dir" | "symlink" | "link" | "other";
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
  linkname: string;
  data: Buffer;
  /** The name as the header has it, before normalise(). */
  rawName: string;
  uname: string;
  gname: string;
  /** PAX records (abuild's APK-TOOLS.checksum.SHA1 among them). */
  pax: Record<string, string>;
}

export function normalise(name: string): string {
  return name.replace(/^\.\//, "").replace(/^\/+/, "").replace(/\/+$/, "").replace(/^\.$/, "");
}

const TYPES: Record<string, TarItem["type"]> = { "0": "file", "7": "file", "5": "dir", "2": "symlink", "1": "link" };

/**
 * Every entry of an uncompressed tar, in archive order (dpkg's order for .list files), read with
 * the project's one tar reader (@tsbuild/archive's walkTar: PAX and GNU long names folded in,
 * global PAX headers skipped as dpkg and apk skip them).
 */
export async function readTar(data: Buffer | Buffer[]): Promise<TarItem[]> {
  const items: TarItem[] = [];
  await walkTar(new ByteReader(chunksOf(data)), {
    async entry(e, body) {
      if (e.typeflag === "g") return;
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c);
      const pax: Record<string, string> = {};
      for (const [k, v] of e.pax) pax[k] = v.toString("utf8");
      items.push({
        name: normalise(e.name),
        type: TYPES[e.typeflag] ?? "other",
        mode: e.mode & 0o7777,
        uid: e.uid,
        gid: e.gid,
        mtime: new Date(e.mtime * 1000),
        linkname: e.linkname,
        // a body within one chunk of the archive is a view of it (the archive's bytes are this reader's alone)
        data: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
        rawName: e.name,
        uname: e.uname,
        gname: e.gname,
        pax,
      });
    },
  });
  return items;
}
