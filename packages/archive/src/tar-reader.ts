import { ByteReader } from "./byte-reader.js";
import {
  type RawHeader, BLOCK, MAX_SPECIAL_FILE_SIZE, TarFormatError, decodeHeader, decodeLongName, decodeName, isHeaderOnly, isZeroBlock, padding, parsePax,
} from "./tar-header.js";

/**
 * One archive member as Go's tar.Reader returns it: its header with the meta headers folded in
 * (`name` after a PAX path or GNU long name, `size` the bytes of data that follow, `mtime` in
 * whole seconds, PAX fractions dropped), and its PAX records (xattrs are `SCHILY.xattr.*`).
 */
export interface TarEntry extends RawHeader {
  pax: Map<string, Buffer>;
}

export interface TarVisitor {
  /** Called once per member; `body` yields its data and may be left unread. */
  entry(e: TarEntry, body: AsyncIterable<Buffer>): Promise<void> | void;
  /** Raw header and padding bytes between members, in order (tar-split's segments). */
  segment?(raw: Buffer): Promise<void> | void;
  /** Every data byte of a member, read by `entry` or skipped after it. */
  data?(chunk: Buffer): void;
  /** After a member's data has all gone by. */
  entryEnd?(e: TarEntry): Promise<void> | void;
  /** Bytes after the end-of-archive marker, in reads of at most 1 MiB, the last one empty (tar-split). */
  trailer?(raw: Buffer): Promise<void> | void;
}

/** tar-split (vendored in Docker 20.10) collects trailing bytes in reads of at most this size. */
const TRAILER_CHUNK = 1024 * 1024;

/**
 * Go's archive/tar reader: PAX and GNU meta headers are folded into the member that follows,
 * capped at 1 MiB as Go caps them, and every data byte is streamed, never held. Stricter than
 * Go in one respect: data or padding cut short is an error naming the member (Go silently
 * stops at a short padding block).
 */
export async function walkTar(reader: ByteReader, v: TarVisitor): Promise<void> {
  let pad = 0;
  let lastName = "";
  const truncated = (what: string) =>
    new TarFormatError(`truncated tar: unexpected end of data ${what} at byte ${reader.offset}`);

  for (;;) {
    const raw: Buffer[] = [];
    let pax: Map<string, Buffer> | undefined;
    let longName: string | undefined;
    let longLink: string | undefined;
    let entry: TarEntry | undefined;
    let atEnd = false;

    while (!entry && !atEnd) {
      if (pad > 0) {
        const p = await reader.read(pad);
        if (p.length < pad) throw truncated(`in the padding after ${JSON.stringify(lastName)}`);
        raw.push(p);
        pad = 0;
      }
      const block = await reader.read(BLOCK);
      if (block.length === 0) {
        atEnd = true;
        break;
      }
      raw.push(block);
      if (block.length < BLOCK) throw truncated(lastName ? `in a tar header after ${JSON.stringify(lastName)}` : "in a tar header");
      if (isZeroBlock(block)) {
        const second = await reader.read(BLOCK);
        raw.push(second);
        if (second.length === 0) {
          atEnd = true;
          break;
        }
        if (second.length < BLOCK) throw truncated("in the end-of-archive marker");
        if (!isZeroBlock(second)) throw new TarFormatError("archive/tar: invalid tar header");
        atEnd = true;
        break;
      }
      let hdr;
      try {
        hdr = decodeHeader(block);
      } catch (e) {
        if (lastName && e instanceof TarFormatError) throw new TarFormatError(`${e.message} after ${JSON.stringify(lastName)}`);
        throw e;
      }
      const dataSize = isHeaderOnly(hdr.typeflag) ? 0 : hdr.size;
      if (dataSize < 0) throw new TarFormatError("archive/tar: invalid tar header");
      pad = padding(dataSize);

      switch (hdr.typeflag) {
        case "x":
        case "g":
        case "L":
        case "K": {
          if (dataSize > MAX_SPECIAL_FILE_SIZE) {
            throw new TarFormatError(`archive/tar: header field too long (a ${dataSize}-byte ${hdr.typeflag === "x" || hdr.typeflag === "g" ? "PAX" : "GNU long name"} header; at most 1 MiB)`);
          }
          const data = await reader.read(dataSize);
          if (data.length < dataSize) throw truncated(hdr.typeflag === "x" || hdr.typeflag === "g" ? "in a PAX header" : "in a GNU long name");
          raw.push(data);
          if (hdr.typeflag === "x" || hdr.typeflag === "g") {
            const records = parsePax(data);
            if (hdr.typeflag === "g") {
              entry = {
                name: hdr.name, linkname: "", typeflag: "g", size: 0, mode: 0, uid: 0, gid: 0, mtime: 0,
                uname: "", gname: "", devmajor: 0, devminor: 0, pax: records,
              };
            } else {
              pax = records;
            }
          } else {
            const value = decodeLongName(data);
            if (hdr.typeflag === "L") longName = value;
            else longLink = value;
          }
          break;
        }
        case "S":
          throw new TarFormatError(`sparse file ${JSON.stringify(longName ?? hdr.name)} is not supported`);
        default: {
          entry = foldMember(hdr, dataSize, pax, longName, longLink);
          pad = padding(entry.size);
        }
      }
    }

    if (raw.length > 0 && v.segment) {
      const seg = Buffer.concat(raw);
      if (seg.length > 0) await v.segment(seg);
    }
    if (atEnd || !entry) break;

    const e = entry;
    lastName = e.name;
    let remaining = e.size;
    const next = async (): Promise<Buffer> => {
      // Whatever is buffered, up to the member's end: from an in-memory tar that is one view, not a copy.
      const chunk = await reader.readSome(remaining);
      if (chunk.length === 0) throw truncated(`in the data of ${JSON.stringify(e.name)}`);
      remaining -= chunk.length;
      v.data?.(chunk);
      return chunk;
    };
    async function* body(): AsyncGenerator<Buffer> {
      while (remaining > 0) yield await next();
    }
    await v.entry(e, body());
    // Whatever the visitor left unread still belongs to the member's data.
    while (remaining > 0) await next();
    await v.entryEnd?.(e);
  }

  if (!v.trailer) return;
  for (;;) {
    const chunk = await reader.readSome(TRAILER_CHUNK);
    await v.trailer(chunk);
    if (chunk.length === 0) break;
  }
}

/**
 * A member's header with the meta headers before it folded in, as Go's reader does: PAX `path`,
 * `linkpath`, `size`, ids, times and names, then GNU long names; an old-style "\0" type becomes
 * a directory or a file by the name's trailing slash. `dataSize` is what the header itself says.
 */
export function foldMember(
  hdr: RawHeader, dataSize: number, pax: Map<string, Buffer> | undefined, longName: string | undefined, longLink: string | undefined,
): TarEntry {
  const e: TarEntry = {
    name: hdr.name, linkname: hdr.linkname, typeflag: hdr.typeflag, size: dataSize,
    mode: hdr.mode, uid: hdr.uid, gid: hdr.gid, mtime: hdr.mtime,
    uname: hdr.uname, gname: hdr.gname, devmajor: hdr.devmajor, devminor: hdr.devminor,
    pax: pax ?? new Map(),
  };
  if (pax) {
    for (const key of pax.keys()) {
      if (key.startsWith("GNU.sparse.")) throw new TarFormatError(`sparse file ${JSON.stringify(hdr.name)} is not supported`);
    }
    const path = pax.get("path");
    if (path) e.name = decodeName(path, "entry name");
    const link = pax.get("linkpath");
    if (link) e.linkname = decodeName(link, "link name");
    const size = pax.get("size");
    if (size && !isHeaderOnly(hdr.typeflag)) {
      const n = Number(size.toString("latin1"));
      if (!Number.isSafeInteger(n) || n < 0) throw new TarFormatError(`archive/tar: invalid PAX size for ${JSON.stringify(e.name)}`);
      e.size = n;
    }
    for (const k of ["uid", "gid", "mtime"] as const) {
      const val = pax.get(k);
      if (val) e[k] = Math.floor(Number(val.toString("latin1")));
    }
    for (const k of ["uname", "gname"] as const) {
      const val = pax.get(k);
      if (val) e[k] = val.toString("utf8");
    }
  }
  if (longName !== undefined) e.name = longName;
  if (longLink !== undefined) e.linkname = longLink;
  if (e.typeflag === "\0") e.typeflag = e.name.endsWith("/") ? "5" : "0";
  return e;
}
