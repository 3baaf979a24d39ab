import { Readable } from "node:stream";
import { extract } from "tar-stream";

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

/** Every entry of an uncompressed tar, in archive order (dpkg's order for .list files). */
export async function readTar(data: Buffer): Promise<TarItem[]> {
  const items: TarItem[] = [];
  const ex = extract();
  const done = new Promise<void>((ok, fail) => {
    ex.on("entry", (h, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => void chunks.push(c as Buffer));
      stream.on("end", () => {
        const t = h.type;
        items.push({
          name: normalise(h.name),
          type: t === "file" || t === "contiguous-file" ? "file" : t === "directory" ? "dir" : t === "symlink" ? "symlink" : t === "link" ? "link" : "other",
          mode: (h.mode ?? 0o644) & 0o7777,
          uid: h.uid ?? 0,
          gid: h.gid ?? 0,
          mtime: h.mtime ?? new Date(0),
          linkname: h.linkname ?? "",
          data: Buffer.concat(chunks),
          rawName: h.name,
          uname: h.uname ?? "",
          gname: h.gname ?? "",
          pax: (h.pax as Record<string, string> | undefined) ?? {},
        });
        next();
      });
      stream.on("error", fail);
    });
    ex.on("finish", ok);
    ex.on("error", fail);
  });
  Readable.from([data]).pipe(ex);
  await done;
  return items;
}
