import { ByteReader } from "./byte-reader.js";
import {
  BLOCK, TarFormatError, decodeHeader, decodeName, isHeaderOnly, isZeroBlock, padding, parsePax,
} from "./header.js";
import { Crc64 } from "../tarsplit/crc64.js";
import type { TarSplitEntry } from "../tarsplit/entry.js";

/** One archive member as Go's tar.Reader returns it (meta headers folded in). */
export interface TarEntry {
  /** The name as stored (after PAX path / GNU long name); tar-split records exactly this. */
  name: string;
  linkname: string;
  /** "0" regular, "1" hard link, "2" symlink, "3" char, "4" block, "5" dir, "6" fifo, "g" PAX global, … */
  typeflag: string;
  /** Bytes of data that follow in the archive. */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
}

export interface DisassembleSink {
  /**
   * Every tar-split record, in order (raw segments and file records). A sink that keeps no
   * tar-split says so with `null`, and file records then carry no crc64: computing it is a pass
   * over every byte of the layer.
   */
  record: ((e: TarSplitEntry) => void | Promise<void>) | null;
  /** Called once per member; `body` yields its data and may be left unread. */
  entry(e: TarEntry, body: AsyncIterable<Buffer>): Promise<void>;
}

/** tar-split (vendored in Docker 20.10) collects trailing bytes in reads of at most this size. */
const TRAILER_CHUNK = 1024 * 1024;

/**
 * Walks a tar the way tar-split's asm.NewInputTarStream does over Go's archive/tar: raw
 * header/padding bytes become segment records, members become file records with the
 * crc64 of their data. Stricter than Go in one respect: data or padding cut short is an
 * error here (Go silently stops at a short padding block).
 */
export async function disassemble(reader: ByteReader, sink: DisassembleSink): Promise<void> {
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
      if (block.length < BLOCK) throw truncated("in a tar header");
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
      const hdr = decodeHeader(block);
      const dataSize = isHeaderOnly(hdr.typeflag) ? 0 : hdr.size;
      if (dataSize < 0) throw new TarFormatError("archive/tar: invalid tar header");
      pad = padding(dataSize);

      switch (hdr.typeflag) {
        case "x":
        case "g": {
          const data = await reader.read(dataSize);
          if (data.length < dataSize) throw truncated("in a PAX header");
          raw.push(data);
          const records = parsePax(data);
          if (hdr.typeflag === "g") {
            entry = { name: hdr.name, linkname: "", typeflag: "g", size: 0, mode: 0, uid: 0, gid: 0, mtime: 0 };
          } else {
            pax = records;
          }
          break;
        }
        case "L":
        case "K": {
          const data = await reader.read(dataSize);
          if (data.length < dataSize) throw truncated("in a GNU long name");
          raw.push(data);
          const nul = data.indexOf(0);
          const value = decodeName(nul >= 0 ? data.subarray(0, nul) : data, "long name");
          if (hdr.typeflag === "L") longName = value;
          else longLink = value;
          break;
        }
        case "S":
          throw new TarFormatError(`sparse file ${JSON.stringify(longName ?? hdr.name)} is not supported`);
        default: {
          const e: TarEntry = {
            name: hdr.name, linkname: hdr.linkname, typeflag: hdr.typeflag, size: dataSize,
            mode: hdr.mode, uid: hdr.uid, gid: hdr.gid, mtime: hdr.mtime,
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
              if (!Number.isSafeInteger(n) || n < 0) throw new TarFormatError("archive/tar: invalid PAX size");
              e.size = n;
              pad = padding(n);
            }
            for (const [k, field] of [["uid", "uid"], ["gid", "gid"], ["mtime", "mtime"]] as const) {
              const v = pax.get(k);
              if (v) e[field] = Math.floor(Number(v.toString("latin1")));
            }
          }
          if (longName !== undefined) e.name = longName;
          if (longLink !== undefined) e.linkname = longLink;
          if (e.typeflag === "\0") e.typeflag = e.name.endsWith("/") ? "5" : "0";
          entry = e;
        }
      }
    }

    if (raw.length > 0) {
      const seg = Buffer.concat(raw);
      if (seg.length > 0) await sink.record?.({ type: 2, payload: seg });
    }
    if (atEnd || !entry) break;

    const e = entry;
    lastName = e.name;
    const crc = sink.record ? new Crc64() : undefined;
    let remaining = e.size;
    async function* body(): AsyncGenerator<Buffer> {
      while (remaining > 0) {
        const chunk = await reader.readSome(Math.min(remaining, 1 << 20));
        if (chunk.length === 0) throw truncated(`in the data of ${JSON.stringify(e.name)}`);
        remaining -= chunk.length;
        crc?.update(chunk);
        yield chunk;
      }
    }
    await sink.entry(e, body());
    // Whatever the sink left unread still belongs to the member's data.
    while (remaining > 0) {
      const chunk = await reader.readSome(Math.min(remaining, 1 << 20));
      if (chunk.length === 0) throw truncated(`in the data of ${JSON.stringify(e.name)}`);
      remaining -= chunk.length;
      crc?.update(chunk);
    }
    await sink.record?.({ type: 1, name: e.name, size: e.size, payload: e.size > 0 && crc ? crc.digest() : null });
  }

  // Bytes after the end-of-archive marker are kept too, so the tar rebuilds byte for byte;
  // the last (possibly empty) read is recorded as Docker's tar-split does.
  for (;;) {
    const chunk = await reader.readSome(TRAILER_CHUNK);
    await sink.record?.({ type: 2, payload: chunk });
    if (chunk.length === 0) break;
  }
}
