import { readAr } from "./ar.js";
import { decompressChunks } from "./decompress.js";
import { readTar, type TarItem } from "./tar.js";

export interface DebFile {
  /** control.tar members by name: control, md5sums, conffiles, postinst, triggers, shlibs, … */
  control: Map<string, Buffer>;
  /** data.tar entries in archive order. */
  data: TarItem[];
}

/** A .deb as dpkg-deb reads it: ar with debian-binary, control.tar.*, data.tar.* (xz, zst, gz or none). */
export async function readDeb(bytes: Buffer, what: string): Promise<DebFile> {
  const members = readAr(bytes, what);
  if (members[0]?.name !== "debian-binary" || !members[0].data.toString("latin1").startsWith("2.")) {
    throw new Error(`${what}: not a format 2.x Debian package`);
  }
  const control = members.find((m) => m.name.startsWith("control.tar"));
  const data = members.find((m) => m.name.startsWith("data.tar"));
  if (!control || !data) throw new Error(`${what}: missing control.tar or data.tar member`);
  const ctl = new Map<string, Buffer>();
  for (const e of await readTar(await decompressChunks(Buffer.from(control.data)))) if (e.type === "file") ctl.set(e.name, e.data);
  if (!ctl.has("control")) throw new Error(`${what}: control.tar has no control file`);
  return { control: ctl, data: await readTar(await decompressChunks(Buffer.from(data.data))) };
}
