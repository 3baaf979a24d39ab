import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { forEachChunkEntry } from "@tsbuild/archive";
import type { HollowMember, LayerBody } from "../types.js";
import { decodeEntry, type TarSplitEntry } from "../tarsplit/entry.js";
import { readTarSplitBatches } from "./tarsplit-file.js";

/**
 * A layer's members as materialising reads them, kept beside its tar-split.json.gz
 * (`tsbuild-members`, not a Docker file): the tar-split is ~1.2 KB of gzip'd JSON a member,
 * whose inflating, parsing and base64 decoding, then the tar header decoding, were ~0.4 s of a
 * 50,000-file base. This is each member's decoded header fields, in tar order, with the diff/
 * name of its data. Derived from tar-split alone, written (temp file, rename) the first time a
 * layer is materialised and rebuilt whenever it is absent, damaged, of another version, or
 * older than the tar-split it came from (the tar-split's size and mtime are recorded).
 */
export const MEMBERS_FILE = "tsbuild-members";

const MAGIC = "tsbuild-members 1\n";

/** One member with its data's diff/ name (relative, as tar-split names it). */
export interface IndexedMember extends Omit<HollowMember, "body"> {
  bodyName?: string;
}

export interface Stamp {
  size: number;
  mtimeMs: number;
}

export function stampOf(path: string): Stamp {
  const st = statSync(path);
  return { size: st.size, mtimeMs: st.mtimeMs };
}

/**
 * The members from tar-split: its raw segments walked as a tar without data (archive's chunk
 * walk, the same header rules as every tar read), each member with data paired with tar-split's
 * file record of the same size, in order.
 */
export async function membersFromTarSplit(tarSplit: string, what: string): Promise<IndexedMember[]> {
  const c = new MembersCollector();
  for await (const batch of readTarSplitBatches(tarSplit)) for (const r of batch) c.record(r);
  return c.members(what);
}

/** tar-split's records, kept as what the members are made from: raw segments and file sizes. */
export class MembersCollector {
  private readonly headers: Buffer[] = [];
  private readonly files: Array<{ name: string; size: number }> = [];
  private held = 0;
  /** Set once the headers passed `limit` bytes: they are dropped, and the index is left to first use. */
  gaveUp = false;

  /** `limit`: header bytes to hold at most (a huge layer's index is made on first use instead). */
  constructor(private readonly limit = Infinity) {}

  /** Members with data so far. */
  get withData(): number {
    return this.files.length;
  }

  record(r: TarSplitEntry): void {
    if (r.type !== 1) {
      if (r.payload.length > 0) this.hold(r.payload);
    } else if (r.size > 0) this.files.push({ name: r.name, size: r.size });
  }

  /** One line of tar-split as the store writes it; raw segments without a JSON parse. */
  line(l: string): void {
    if (this.gaveUp) return;
    if (l.startsWith(SEGMENT_PREFIX)) {
      const end = l.indexOf('"', SEGMENT_PREFIX.length);
      if (end > SEGMENT_PREFIX.length) this.hold(Buffer.from(l.slice(SEGMENT_PREFIX.length, end), "base64"));
      return;
    }
    this.record(decodeEntry(l));
  }

  private hold(raw: Buffer): void {
    this.held += raw.length;
    if (this.held > this.limit) {
      this.gaveUp = true;
      this.headers.length = 0;
      this.files.length = 0;
      return;
    }
    this.headers.push(raw);
  }

  /** `checked`: the headers were read with their checksums checked (ingest's reader) as they went by. */
  members(what: string, checked = false): IndexedMember[] {
    const { headers, files } = this;
    const out: IndexedMember[] = [];
    let next = 0;
    forEachChunkEntry(headers, (h) => {
      const pax = h.pax.get("mtime");
      const exact = pax ? Number(pax.toString("latin1")) : NaN;
      const m: IndexedMember = {
        name: h.name, linkname: h.linkname, typeflag: h.typeflag, size: h.size, mode: h.mode, uid: h.uid, gid: h.gid,
        mtime: Number.isFinite(exact) ? exact : h.mtime, devmajor: h.devmajor, devminor: h.devminor,
      };
      if (h.size > 0) {
        const f = files[next++];
        if (!f || f.size !== h.size) throw new Error(`${what}: ${h.name} has ${h.size} bytes in its header but ${f ? f.size : "no file record"} in tar-split`);
        m.bodyName = f.name;
      }
      out.push(m);
    }, { hollow: true, verified: checked });
    if (next !== files.length) throw new Error(`${what}: tar-split has ${files.length - next} file records more than its headers name`);
    return out;
  }
}

/** How encodeEntry starts a raw segment with bytes (tarsplit/entry.ts). */
const SEGMENT_PREFIX = '{"type":2,"payload":"';

// Layout: MAGIC, f64 tar-split size, f64 tar-split mtimeMs, u32 count, then per member:
// u8 typeflag, u8 flags (1: has data, 2: its diff/ name is the member's name), f64 mode, uid, gid, size, mtime, devmajor, devminor,
// then name, linkname and (with data) the data's diff/ name, each a u32 length and UTF-8 bytes.
const FIXED = 2 + 7 * 8;

export function encodeMembers(members: readonly IndexedMember[], stamp: Stamp): Buffer {
  const strings: Buffer[] = [];
  let size = MAGIC.length + 8 + 8 + 4;
  for (const m of members) {
    const name = Buffer.from(m.name, "utf8");
    const link = Buffer.from(m.linkname, "utf8");
    strings.push(name, link);
    size += FIXED + 8 + name.length + link.length;
    if (m.bodyName !== undefined && m.bodyName !== m.name) {
      const body = Buffer.from(m.bodyName, "utf8");
      strings.push(body);
      size += 4 + body.length;
    }
  }
  const buf = Buffer.allocUnsafe(size);
  let at = buf.write(MAGIC, 0, "latin1");
  at = buf.writeDoubleLE(stamp.size, at);
  at = buf.writeDoubleLE(stamp.mtimeMs, at);
  at = buf.writeUInt32LE(members.length, at);
  let s = 0;
  const str = (b: Buffer) => {
    at = buf.writeUInt32LE(b.length, at);
    at += b.copy(buf, at);
  };
  for (const m of members) {
    buf[at++] = m.typeflag.charCodeAt(0) & 0xff;
    buf[at++] = m.bodyName === undefined ? 0 : m.bodyName === m.name ? 3 : 1;
    for (const v of [m.mode, m.uid, m.gid, m.size, m.mtime, m.devmajor, m.devminor]) at = buf.writeDoubleLE(v, at);
    str(strings[s++]);
    str(strings[s++]);
    if (m.bodyName !== undefined && m.bodyName !== m.name) str(strings[s++]);
  }
  return buf;
}

/** The index's bytes when present, of this version and made from the tar-split as it is now. */
export function readMembersFile(path: string, stamp: Stamp): Buffer | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    return undefined;
  }
  if (buf.length < MAGIC.length + 20 || buf.toString("latin1", 0, MAGIC.length) !== MAGIC) return undefined;
  if (buf.readDoubleLE(MAGIC.length) !== stamp.size || buf.readDoubleLE(MAGIC.length + 8) !== stamp.mtimeMs) return undefined;
  return buf;
}

/** Writes the index by temp file and rename; a store that cannot be written to just goes without. */
export function writeMembersFile(path: string, bytes: Buffer): void {
  const tmp = `${path}.tmp-${randomBytes(6).toString("hex")}`;
  try {
    const fd = openSync(tmp, "wx", 0o644);
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/**
 * Calls `visit` with each member of an index, in order; `body` makes the data's reference from
 * its diff/ name and size. The index must have passed `wellFormed` (a damaged one would stop
 * halfway through a tree).
 */
export function visitMembers(buf: Buffer, visit: (m: HollowMember) => void, body: (name: string, size: number) => LayerBody): void {
  let at = MAGIC.length + 16;
  const count = buf.readUInt32LE(at);
  at += 4;
  const str = (): string => {
    const n = buf.readUInt32LE(at);
    at += 4;
    if (at + n > buf.length) throw new RangeError("members index is truncated");
    const s = buf.toString("utf8", at, at + n);
    at += n;
    return s;
  };
  for (let i = 0; i < count; i++) {
    if (at + FIXED > buf.length) throw new RangeError("members index is truncated");
    const typeflag = String.fromCharCode(buf[at]);
    const flags = buf[at + 1];
    at += 2;
    const mode = small(buf.readDoubleLE(at));
    const uid = small(buf.readDoubleLE(at + 8));
    const gid = small(buf.readDoubleLE(at + 16));
    const size = small(buf.readDoubleLE(at + 24));
    const mtime = small(buf.readDoubleLE(at + 32));
    const devmajor = small(buf.readDoubleLE(at + 40));
    const devminor = small(buf.readDoubleLE(at + 48));
    at += 56;
    const name = str();
    const linkname = str();
    const m: HollowMember = { name, linkname, typeflag, size, mode, uid, gid, mtime, devmajor, devminor };
    if (flags & 1) m.body = body(flags & 2 ? name : str(), size);
    visit(m);
  }
}

/**
 * A number read as a double, as a small integer where it is one: V8 keeps a double that came out
 * of a read boxed in every object that stores it (four boxes per file of a 50k-file base).
 */
function small(v: number): number {
  return v >= 0 && v <= 0x3fffffff && Math.floor(v) === v ? v | 0 : v;
}

/** Whether the index's lengths add up: a damaged file is found before a tree is half built from it. */
export function wellFormed(buf: Buffer): boolean {
  try {
    checkShape(buf);
    return true;
  } catch {
    return false;
  }
}

function checkShape(buf: Buffer): void {
  let at = MAGIC.length + 16;
  const count = buf.readUInt32LE(at);
  at += 4;
  for (let i = 0; i < count; i++) {
    if (at + FIXED > buf.length) throw new RangeError("members index is truncated");
    const flags = buf[at + 1];
    at += FIXED;
    const strings = (flags & 3) === 1 ? 3 : 2;
    for (let k = 0; k < strings; k++) {
      if (at + 4 > buf.length) throw new RangeError("members index is truncated");
      at += 4 + buf.readUInt32LE(at);
    }
  }
  if (at !== buf.length) throw new RangeError("members index does not end after its last member");
}
