import {
  BLOCK, MAX_SPECIAL_FILE_SIZE, TarFormatError, decodeHeader, decodeLongName, isHeaderOnly, isZeroBlock, padding, parsePax,
} from "./tar-header.js";
import { foldMember, type TarEntry } from "./tar-reader.js";

/** One member of a tar held as chunks: its header as walkTar folds it, and its data as views. */
export interface ChunkEntry extends TarEntry {
  /** The member's data as views of the chunks (no copy unless a 512-byte header spans two). */
  data: Buffer[];
}

/**
 * A synchronous walk over a tar already in memory as chunks (a memory store's layer, a
 * sandbox's committed tar), with walkTar's header rules (foldMember: PAX records and GNU long
 * names folded into the member that follows), global headers skipped. Synchronous so that
 * a result's entries can be computed in a getter, when a caller first reads them; the chunks
 * are never joined. The tars come from a store, which checked them with archive's full reader
 * when they were put there; this walk only lists them.
 */
export function forEachChunkEntry(chunks: readonly Buffer[], visit: (e: ChunkEntry) => void, opts: { hollow?: boolean; verified?: boolean } = {}): void {
  const r = new ChunkCursor(chunks);
  let pax: Map<string, Buffer> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = r.read(BLOCK);
    if (block.length === 0) return;
    if (block.length < BLOCK) throw new TarFormatError(`truncated tar: unexpected end of data in a tar header at byte ${r.offset}`);
    if (isZeroBlock(block)) return;
    const hdr = decodeHeader(block, opts.verified);
    const headerSize = isHeaderOnly(hdr.typeflag) ? 0 : hdr.size;
    switch (hdr.typeflag) {
      case "x":
      case "g":
      case "L":
      case "K": {
        if (headerSize > MAX_SPECIAL_FILE_SIZE) throw new TarFormatError(`archive/tar: header field too long (${headerSize} bytes)`);
        const data = r.read(headerSize);
        r.skip(padding(headerSize));
        if (hdr.typeflag === "x") pax = parsePax(data);
        else if (hdr.typeflag === "L" || hdr.typeflag === "K") {
          const value = decodeLongName(data);
          if (hdr.typeflag === "L") longName = value;
          else longLink = value;
        }
        continue;
      }
      case "S":
        throw new TarFormatError(`sparse file ${JSON.stringify(longName ?? hdr.name)} is not supported`);
    }
    const e = foldMember(hdr, headerSize, pax, longName, longLink);
    pax = longName = longLink = undefined;
    // Hollow: the chunks are the tar without its members' data (a store's headers and padding,
    // the data kept elsewhere): `data` is empty and the padding after it is still read.
    const data = opts.hollow ? [] : r.views(e.size);
    r.skip(padding(e.size));
    visit(Object.assign(e, { data }));
  }
}

/** Reads of exact byte counts over chunks, as views wherever a read stays inside one chunk. */
class ChunkCursor {
  private i = 0;
  private at = 0;
  offset = 0;

  constructor(private readonly chunks: readonly Buffer[]) {}

  read(n: number): Buffer {
    const parts = this.views(n);
    if (parts.length === 1) return parts[0];
    return parts.length === 0 ? Buffer.alloc(0) : Buffer.concat(parts);
  }

  views(n: number): Buffer[] {
    const out: Buffer[] = [];
    let left = n;
    while (left > 0 && this.i < this.chunks.length) {
      const c = this.chunks[this.i];
      const take = Math.min(left, c.length - this.at);
      if (take > 0) out.push(c.subarray(this.at, this.at + take));
      this.at += take;
      left -= take;
      this.offset += take;
      if (this.at >= c.length) {
        this.i++;
        this.at = 0;
      }
    }
    if (left > 0 && n !== BLOCK) throw new TarFormatError(`truncated tar: unexpected end of data at byte ${this.offset}`);
    return out;
  }

  skip(n: number): void {
    this.views(n);
  }
}
