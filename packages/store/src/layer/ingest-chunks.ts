import { createHash } from "node:crypto";
import {
  BLOCK, MAX_SPECIAL_FILE_SIZE, TarFormatError, decodeHeader, decodeLongName, foldMember, isHeaderOnly, isZeroBlock, padding, parsePax,
  type RawHeader, type TarEntry,
} from "@tsbuild/archive";
import type { IngestResult } from "./ingest.js";
import { LayerPolicy, type LayerRules } from "./policy.js";

/**
 * ingestTar for a tar already in memory as buffers, with nothing to write (the memory store):
 * the same diffID, sizes, member rules and errors, in one synchronous pass. The streaming walk
 * made several promises, generators and views per member; on a build's layer of 6,000 small
 * files that was more than half of what a build allocated (issue 16).
 *
 * It follows archive's walkTar step by step (meta headers folded into the member that follows,
 * capped at 1 MiB, a global header passed on as a member, two zero blocks or the end of data
 * ending the archive, everything after that hashed too) and words its errors the same way; a
 * property test holds the two to the same results and messages.
 */
export function ingestChunks(chunks: readonly Buffer[], rules: LayerRules = {}): IngestResult {
  const r = new Cursor(chunks);
  const policy = new LayerPolicy(rules);
  let size = 0;
  let payloadSize = 0;
  let pad = 0;
  let lastName = "";
  const truncated = (what: string) => new TarFormatError(`truncated tar: unexpected end of data ${what} at byte ${r.offset}`);

  for (;;) {
    let pax: Map<string, Buffer> | undefined;
    let longName: string | undefined;
    let longLink: string | undefined;
    let entry: TarEntry | undefined;
    let atEnd = false;

    while (!entry && !atEnd) {
      if (pad > 0) {
        if (r.skip(pad) < pad) throw truncated(`in the padding after ${JSON.stringify(lastName)}`);
        pad = 0;
      }
      const block = r.read(BLOCK);
      if (block.length === 0) {
        atEnd = true;
        break;
      }
      if (block.length < BLOCK) throw truncated(lastName ? `in a tar header after ${JSON.stringify(lastName)}` : "in a tar header");
      if (isZeroBlock(block)) {
        const second = r.read(BLOCK);
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
          const data = r.read(dataSize);
          if (data.length < dataSize) throw truncated(hdr.typeflag === "x" || hdr.typeflag === "g" ? "in a PAX header" : "in a GNU long name");
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
          entry = pax || longName !== undefined || longLink !== undefined ? foldMember(hdr, dataSize, pax, longName, longLink) : plainMember(hdr, dataSize);
          pad = padding(entry.size);
        }
      }
    }
    if (atEnd || !entry) break;

    const e = entry;
    lastName = e.name;
    policy.accept(e);
    if (e.typeflag === "0") {
      size += e.size;
      payloadSize += e.size;
    } else if (e.typeflag === "2") size += Buffer.byteLength(e.linkname);
    if (r.skip(e.size) < e.size) throw truncated(`in the data of ${JSON.stringify(e.name)}`);
  }

  // Bytes after the end-of-archive marker are part of the layer's stream, and of its diffID.
  const hash = createHash("sha256");
  let tarSize = 0;
  for (const c of chunks) {
    hash.update(c);
    tarSize += c.length;
  }
  return { diffID: "sha256:" + hash.digest("hex"), size: rules.payloadSize ? payloadSize : size, payloadSize, tarSize };
}

/** No PAX records: shared, since a member here is only judged by the policy and never kept. */
const NO_PAX: ReadonlyMap<string, Buffer> = new Map();

/** foldMember without meta headers to fold (nearly every member), reusing the decoded header. */
function plainMember(hdr: RawHeader, dataSize: number): TarEntry {
  const e = hdr as TarEntry;
  e.size = dataSize;
  e.pax = NO_PAX as Map<string, Buffer>;
  if (e.typeflag === "\0") e.typeflag = e.name.endsWith("/") ? "5" : "0";
  return e;
}

/** Exact reads over the chunks: a view when the bytes lie in one chunk, a copy only across two. */
class Cursor {
  private i = 0;
  private at = 0;
  /** Bytes consumed so far, as ByteReader counts them for error messages. */
  offset = 0;

  constructor(private readonly chunks: readonly Buffer[]) {}

  read(n: number): Buffer {
    this.settle();
    if (this.i < this.chunks.length) {
      const c = this.chunks[this.i];
      if (c.length - this.at >= n) {
        const out = c.subarray(this.at, this.at + n);
        this.at += n;
        this.offset += n;
        return out;
      }
    }
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0 && this.settle()) {
      const c = this.chunks[this.i];
      const take = Math.min(left, c.length - this.at);
      parts.push(c.subarray(this.at, this.at + take));
      this.at += take;
      left -= take;
    }
    this.offset += n - left;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** Passes over up to n bytes; returns how many there were. */
  skip(n: number): number {
    let left = n;
    while (left > 0 && this.settle()) {
      const take = Math.min(left, this.chunks[this.i].length - this.at);
      this.at += take;
      left -= take;
    }
    this.offset += n - left;
    return n - left;
  }

  /** Moves past exhausted (and empty) chunks; false at the end of the data. */
  private settle(): boolean {
    while (this.i < this.chunks.length && this.at >= this.chunks[this.i].length) {
      this.i++;
      this.at = 0;
    }
    return this.i < this.chunks.length;
  }
}
