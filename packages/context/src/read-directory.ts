import { randomBytes } from "node:crypto";
import * as buffer from "node:buffer";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import {
  compilePatterns,
  matchesSingleParent,
  matchesUsingParentResults,
  readDockerignoreLines,
  type IgnorePattern,
  type ParentMatches,
} from "./dockerignore.js";
import { DEFAULT_DOCKERFILE } from "./dockerfile.js";
import { ContextError } from "./errors.js";
import { byteCompare } from "./gopath.js";
import { EMPTY, type ContextRecord, type FileBytes, type FileStat } from "./record.js";
import type { TarsumHeader } from "./tarsum.js";

export interface DirectoryContextOptions {
  /** The Dockerfile: relative to the context directory, or absolute. Default "Dockerfile" (or "dockerfile"). */
  dockerfile?: string;
  /** The Dockerfile's content given separately (`-f -`); `dockerfile` is then only a label. */
  dockerfileContent?: string | Buffer;
  /** A named context (BuildKit's `--build-context`): its files only, no Dockerfile looked for or added. */
  noDockerfile?: boolean;
}

export interface DirectoryTar {
  /** The tar entries the CLI would send, in its order. */
  records: ContextRecord[];
  /** The Dockerfile name the daemon is told to use. */
  dockerfileName: string;
  /** How the Dockerfile was named by the caller, for messages. */
  dockerfileLabel: string;
}

/**
 * What the docker CLI (v28, legacy builder) sends for a context directory (cli/command/image/build.go,
 * moby/go-archive TarWithOptions): every path not excluded by .dockerignore, the Dockerfile and
 * .dockerignore always, uid/gid 0, permission bits only, whole-second mtimes, directory names with
 * a trailing "/", files sharing an inode as hard links. A Dockerfile outside the context or given
 * as content is added under a random name and listed in .dockerignore, as the CLI does.
 */
export function readDirectoryContext(dir: string, opts: DirectoryContextOptions): DirectoryTar {
  const root = contextRoot(dir);
  const located = opts.noDockerfile ? undefined : locateDockerfile(root, opts);
  const lines = readIgnoreFile(root);
  // The CLI validates the patterns before anything else.
  const userPatterns = compilePatterns(lines);

  const excludes = [...lines];
  if (matchesSingleParent(".dockerignore", userPatterns)) excludes.push("!.dockerignore");
  if (located?.relName !== undefined && matchesSingleParent(located.relName, userPatterns)) {
    excludes.push("!" + located.relName);
  }
  const records = walkContext(root, compilePatterns(excludes));

  if (!located) return { records, dockerfileName: "", dockerfileLabel: "" };
  if (located.relName !== undefined) {
    return { records, dockerfileName: located.relName, dockerfileLabel: located.relName };
  }
  const injectedName = injectDockerfile(records, located.content!);
  return { records, dockerfileName: injectedName, dockerfileLabel: located.label };
}

function contextRoot(dir: string): string {
  let root: string;
  try {
    root = fs.realpathSync(nodePath.resolve(dir));
  } catch {
    throw new ContextError(`unable to prepare context: path ${JSON.stringify(dir)} not found`);
  }
  if (!fs.statSync(root).isDirectory()) throw new ContextError(`unable to prepare context: context must be a directory: ${root}`);
  return root;
}

interface LocatedDockerfile {
  /** Slash path inside the context, when the Dockerfile is part of it. */
  relName?: string;
  /** Content of a Dockerfile that is not part of the context. */
  content?: Buffer;
  label: string;
}

/** The CLI's getDockerfileRelPath: default name with the lowercase fallback, symlinks evaluated. */
function locateDockerfile(root: string, opts: DirectoryContextOptions): LocatedDockerfile {
  if (opts.dockerfileContent !== undefined) {
    const content = Buffer.from(opts.dockerfileContent);
    return { content, label: opts.dockerfile ?? "-" };
  }
  let abs: string;
  if (!opts.dockerfile) {
    abs = nodePath.join(root, DEFAULT_DOCKERFILE);
    const lower = nodePath.join(root, DEFAULT_DOCKERFILE.toLowerCase());
    if (!lstatOrNull(abs) && lstatOrNull(lower)) abs = lower;
  } else {
    abs = nodePath.isAbsolute(opts.dockerfile) ? opts.dockerfile : nodePath.join(root, opts.dockerfile);
  }
  let real: string;
  try {
    real = fs.realpathSync(abs);
  } catch {
    throw new ContextError(
      `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${abs}: no such file or directory`,
    );
  }
  const rel = nodePath.relative(root, real).split(nodePath.sep).join("/");
  if (rel === ".." || rel.startsWith("../")) {
    // Outside the context: the CLI reads it itself and adds it to the tar.
    return { content: fs.readFileSync(real), label: abs };
  }
  return { relName: rel, label: rel };
}

function readIgnoreFile(root: string): string[] {
  try {
    return readDockerignoreLines(fs.readFileSync(nodePath.join(root, ".dockerignore")));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new ContextError(`error reading .dockerignore: ${(e as Error).message}`);
  }
}

/** TarWithOptions' walk, with its exclusion rules; yields records in tar order. */
function walkContext(root: string, patterns: IgnorePattern[]): ContextRecord[] {
  const records: ContextRecord[] = [];
  const seenInodes = new Map<string, string>();
  const keeper = new SmallFileKeeper();
  const hasExclusions = patterns.some((p) => p.exclusion);
  // Names from readdir hold no "/": joining by hand skips path.join's normalising of every path.
  const prefix = root.endsWith("/") ? root : root + "/";

  const visit = (rel: string, parent: ParentMatches) => {
    const abs = prefix + rel;
    const st = lstatOrNull(abs);
    if (!st) return;
    const isDir = st.isDirectory();
    const { matched, results } = patterns.length === 0 ? NOTHING_MATCHED : matchesUsingParentResults(rel, patterns, parent);
    if (matched) {
      if (!isDir || !hasExclusions) return;
      // An excluded directory is still entered when an exception pattern names something below it.
      const dirSlash = rel + "/";
      if (!patterns.some((p) => p.exclusion && (p.cleaned + "/").startsWith(dirSlash))) return;
    } else {
      const rec = toRecord(prefix, abs, rel, st, seenInodes, keeper);
      if (rec) records.push(rec);
    }
    if (isDir) for (const name of listDir(abs)) visit(`${rel}/${name}`, results);
  };
  for (const name of listDir(root)) visit(name, null);
  return records;
}

/** With no .dockerignore patterns nothing is matched: one shared answer instead of one per path. */
const NOTHING_MATCHED: { matched: boolean; results: boolean[] } = Object.freeze({ matched: false, results: [] as boolean[] });

function listDir(abs: string): string[] {
  try {
    return fs.readdirSync(abs).sort(byteCompare);
  } catch (e) {
    throw new ContextError(`error checking context: can't stat '${abs}': ${(e as Error).message}`);
  }
}

/**
 * Plain-number stats: BigInt ones cost 14 BigInts a file, a large part of a warm big-context
 * build. The few fields that may exceed 2^53 (a hard link's inode, a device's rdev) are read
 * again as BigInts where they are used.
 */
const NO_THROW = { throwIfNoEntry: false } as const;

function lstatOrNull(abs: string): fs.Stats | null {
  try {
    return fs.lstatSync(abs, NO_THROW) ?? null;
  } catch {
    return null;
  }
}

function bigLstat(abs: string): fs.BigIntStats {
  return fs.lstatSync(abs, { bigint: true });
}

function header(name: string, mode: number, typeflag: string, size: number, linkname: string): TarsumHeader {
  return { name, mode, uid: 0, gid: 0, size, typeflag, linkname, devmajor: 0, devminor: 0 };
}

/** The CLI's tar header time: whole seconds, truncated (a small integer, not a heap number). */
function wholeSeconds(ms: number): number {
  return Math.trunc(ms / 1000);
}

function emptyData(): Buffer {
  return EMPTY;
}

function toRecord(prefix: string, abs: string, rel: string, st: fs.Stats, seenInodes: Map<string, string>, keeper: SmallFileKeeper): ContextRecord | null {
  const mode = st.mode & 0o7777;
  if (st.isFile() && st.nlink === 1) return new FileRecord(prefix, header(rel, mode, "0", st.size, ""), st, keeper);
  const mtime = new Date(wholeSeconds(st.mtimeMs) * 1000);
  if (st.isDirectory()) return { header: header(rel + "/", mode, "5", 0, ""), mtime, data: emptyData };
  if (st.isSocket()) return null; // Go's tar writer refuses sockets; the CLI skips them.

  // Anything but a directory with more than one link is hard-linked: later names point at the first.
  if (st.nlink > 1) {
    const big = bigLstat(abs);
    const ino = String(big.ino);
    const first = seenInodes.get(ino);
    if (first !== undefined) return { header: header(rel, mode, "1", 0, first), mtime, data: emptyData };
    seenInodes.set(ino, rel);
  }
  if (st.isSymbolicLink()) return { header: header(rel, mode, "2", 0, fs.readlinkSync(abs)), mtime, data: emptyData };
  if (st.isFile()) return new FileRecord(prefix, header(rel, mode, "0", st.size, ""), st, keeper);
  const rdev = bigLstat(abs).rdev;
  const devmajor = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const devminor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  const typeflag = st.isFIFO() ? "6" : st.isCharacterDevice() ? "3" : "4";
  return { header: { ...header(rel, mode, typeflag, 0, ""), devmajor, devminor }, mtime, data: emptyData };
}

/**
 * The CLI's AddDockerfileToBuildContext: the Dockerfile under ".dockerfile.<20 hex>" and that name
 * appended to .dockerignore (created if missing), so that the daemon removes it again.
 */
function injectDockerfile(records: ContextRecord[], content: Buffer): string {
  const name = ".dockerfile." + randomBytes(10).toString("hex");
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const header = (n: string, size: number) => ({
    name: n, mode: 0o600, uid: 0, gid: 0, size, typeflag: "0", linkname: "", devmajor: 0, devminor: 0,
  });
  const i = records.findIndex((r) => r.header.name === ".dockerignore");
  if (i >= 0) {
    const old = records[i];
    const data = Buffer.concat([old.data(), Buffer.from(`\n${name}\n`)]);
    records[i] = { header: { ...old.header, size: data.length }, mtime: old.mtime, data: () => data };
  } else {
    const data = Buffer.from(`.dockerignore\n${name}\n`);
    records.push({ header: header(".dockerignore", data.length), mtime: now, data: () => data });
  }
  records.push({ header: header(name, content.length), mtime: now, data: () => content });
  return name;
}

/**
 * A context file: its header, and the stat fields the sum cache keys by and the read checks
 * against, copied out of the walk's lstat (the Stats object, with its four Dates, is not kept:
 * 20,000 of them survived into the old generation in the big-context bench).
 *
 * A file's bytes are not held: the tarsum reads the file through one reused buffer
 * (hashContent), and a COPY refers to the file (FileBytes) and reads it again when the layer is
 * written, each read checked against this walk's lstat. A big context is then never held in
 * memory, where keeping the bytes read for the tarsum made a build's peak RSS the context's
 * size and more. Small files are the exception (SmallFileKeeper): the tarsum's read is kept, so
 * the layer does not open them a second time.
 */
class FileRecord implements ContextRecord, FileStat, FileBytes {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly dev: number;
  readonly mode: number;
  /** The tar header's mtime (whole seconds); a Date is made only when asked for. */
  readonly mtimeSeconds: number;
  stat: FileStat | undefined;
  tarsum?: () => string = undefined;
  knownTarsum?: string = undefined;
  /** Only on a file past the spill threshold (no field on the others): its bytes a megabyte at a time. */
  declare chunks?: () => Iterable<Buffer>;

  constructor(
    /** The context directory with a trailing "/": the file's path is that and its name (no string kept per file). */
    private readonly prefix: string,
    readonly header: TarsumHeader,
    st: fs.Stats,
    private readonly keeper: SmallFileKeeper,
  ) {
    this.mtimeSeconds = wholeSeconds(st.mtimeMs);
    this.size = st.size;
    this.mtimeMs = st.mtimeMs;
    this.ctimeMs = st.ctimeMs;
    this.ino = st.ino;
    this.dev = st.dev;
    this.mode = st.mode;
    this.stat = this;
    if (st.size > streamAbove()) this.chunks = () => streamAsWalked(this.prefix + this.header.name, this, 0, this.size, STREAM_CHUNK);
  }

  get mtime(): Date {
    return new Date(this.mtimeSeconds * 1000);
  }

  get length(): number {
    return this.size;
  }

  /** The bytes the tarsum read, for a small file (a view of the keeper's slab). */
  private kept: Buffer | undefined = undefined;

  data(): Buffer {
    // A copy: a caller may keep and change what it is given.
    if (this.kept) return Buffer.from(this.kept);
    return readAsWalked(this.prefix + this.header.name, this);
  }

  hashContent(): Iterable<Uint8Array> {
    if (this.kept) return [this.kept];
    const room = this.keeper.room(this.size);
    if (!room) return hashAsWalked(this.prefix + this.header.name, this);
    const abs = this.prefix + this.header.name;
    const fd = openAsWalked(abs, this);
    try {
      readFully(fd, room, 0, this.size, 0, abs);
    } finally {
      fs.closeSync(fd);
    }
    this.kept = room;
    return [room];
  }

  bytes(): FileBytes {
    // A file past the stream threshold has ContextRecord's chunks(), which reads the whole file:
    // a range of it (what a RUN kept of the file after truncating it) is read by readChunks.
    return this.chunks ? new LargeFileBytes(this) : this;
  }

  readInto(out: Buffer, at: number, offset: number, length: number): void {
    if (this.kept) {
      this.kept.copy(out, at, offset, offset + length);
      return;
    }
    const abs = this.prefix + this.header.name;
    const fd = openAsWalked(abs, this);
    try {
      readFully(fd, out, at, length, offset, abs);
    } finally {
      fs.closeSync(fd);
    }
  }

  readChunks(offset: number, length: number, chunk: number): Iterable<Buffer> {
    if (this.kept) return keptChunks(this.kept.subarray(offset, offset + length), chunk);
    return streamAsWalked(this.prefix + this.header.name, this, offset, length, chunk);
  }
}

/**
 * A large context file as FileBytes whose `chunks` is a range's, as the tree's spilled and
 * external ranges call it (the record's own `chunks` is ContextRecord's: the whole file).
 */
class LargeFileBytes implements FileBytes {
  constructor(private readonly file: FileRecord) {}

  get length(): number {
    return this.file.size;
  }

  readInto(out: Buffer, at: number, offset: number, length: number): void {
    this.file.readInto(out, at, offset, length);
  }

  readChunks(offset: number, length: number, chunk: number): Iterable<Buffer> {
    return this.file.readChunks(offset, length, chunk);
  }

  chunks(offset: number, length: number, chunk: number): Iterable<Buffer> {
    return this.file.readChunks(offset, length, chunk);
  }
}

/**
 * Keeps the bytes the tarsum reads of small files, in shared slabs, up to a budget per context:
 * a COPY of the context then opens, checks and reads each of them once instead of twice (in a
 * 20,000-file context, 12,000 files of at most 4 KiB were 40% of the second pass's calls), for
 * at most KEEP_BUDGET bytes of memory. Larger files are read again when the layer is written.
 */
class SmallFileKeeper {
  private slab: Buffer | undefined;
  private used = 0;
  private kept = 0;

  /** A view to read `size` bytes into and keep, or undefined when the file is not to be kept. */
  room(size: number): Buffer | undefined {
    if (size === 0 || size > KEEP_MAX || this.kept + size > KEEP_BUDGET) return undefined;
    if (!this.slab || this.used + size > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.used = 0;
    }
    const view = this.slab.subarray(this.used, this.used + size);
    this.used += size;
    this.kept += size;
    return view;
  }
}

const KEEP_MAX = 4096;

/** Fresh copies of `bytes`, at most `chunk` bytes each (FileBytes.readChunks' promise). */
function keptChunks(bytes: Buffer, chunk: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) out.push(Buffer.from(bytes.subarray(at, at + chunk)));
  return out;
}
const KEEP_BUDGET = 16 << 20;
const SLAB_BYTES = 256 << 10;

/** `length` bytes at `pos` of the file into `out` at `at`; a file cut short is an error. */
function readFully(fd: number, out: Buffer, at: number, length: number, pos: number, abs: string): void {
  for (let filled = 0; filled < length; ) {
    const n = fs.readSync(fd, out, at + filled, length - filled, pos + filled);
    if (n === 0) throw changed(abs, "it was truncated");
    filled += n;
  }
}

/** The buffer the tarsums read files through; taken while a hash reads it (a second reader makes its own). */
let scratch: Buffer | undefined;
const SCRATCH_BYTES = 1 << 20;

/**
 * The file's bytes for hashing, with readAsWalked's checks, as views of one buffer reused from
 * file to file (each view is valid until the next is taken): no buffer per file, which for a
 * 20,000-file context was a large part of the cold build's allocation and GC.
 */
function* hashAsWalked(abs: string, walked: FileStat): Generator<Buffer> {
  const buf = scratch ?? Buffer.allocUnsafe(SCRATCH_BYTES);
  scratch = undefined;
  const fd = openAsWalked(abs, walked);
  try {
    for (let pos = 0; pos < walked.size; ) {
      const n = Math.min(buf.length, walked.size - pos);
      readFully(fd, buf, 0, n, pos, abs);
      pos += n;
      yield buf.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
    scratch = buf;
  }
}

/**
 * The bytes of the file the walk saw, or an error: opened with O_NOFOLLOW and checked against the
 * walk's lstat (device, inode, size, mtime), so a file swapped for a symlink (or a parent for a
 * link to elsewhere) while an earlier step runs cannot bring a host file into the image.
 */
function readAsWalked(abs: string, walked: FileStat): Buffer {
  const fd = openAsWalked(abs, walked);
  try {
    const size = walked.size;
    if (size > buffer.constants.MAX_LENGTH) {
      throw new ContextError(`error checking context: '${abs}' is ${size} bytes, more than one file may hold in memory (${buffer.constants.MAX_LENGTH})`);
    }
    const data = Buffer.allocUnsafe(size);
    readFully(fd, data, 0, size, 0, abs);
    return data;
  } finally {
    fs.closeSync(fd);
  }
}

/** The file the walk saw, open (O_NOFOLLOW, then checked against the walk's lstat), or an error. */
function openAsWalked(abs: string, walked: FileStat): number {
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ELOOP") throw changed(abs, "it is now a symbolic link");
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw changed(abs, "it was removed");
    throw new ContextError(`error checking context: no permission to read from '${abs}': ${(e as Error).message}`);
  }
  try {
    const now = fs.fstatSync(fd);
    if (!now.isFile() || now.dev !== walked.dev || now.ino !== walked.ino) throw changed(abs, "another file is now in its place");
    if (now.size !== walked.size || now.mtimeMs !== walked.mtimeMs) throw changed(abs, "its content changed");
    return fd;
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** Files larger than this are read in chunks (hashed and copied a megabyte at a time), never whole. */
const STREAM_ABOVE = 64 << 20;

/** The file-size threshold: the builder's spill threshold (TSBUILD_SPILL_THRESHOLD) when set. */
function streamAbove(): number {
  const env = Number(process.env.TSBUILD_SPILL_THRESHOLD);
  return Number.isSafeInteger(env) && env > 0 ? env : STREAM_ABOVE;
}

const STREAM_CHUNK = 1 << 20;

/**
 * Bytes [offset, offset+length) of the file the walk saw in fresh buffers of at most `chunk`
 * bytes, with readAsWalked's checks: a file too large to hold (a 1.5 GB context file) is hashed
 * and copied without ever being one Buffer.
 */
function* streamAsWalked(abs: string, walked: FileStat, offset: number, length: number, chunk: number): Generator<Buffer> {
  const fd = openAsWalked(abs, walked);
  try {
    for (let pos = offset; pos < offset + length; ) {
      const buf = Buffer.allocUnsafe(Math.min(chunk, offset + length - pos));
      readFully(fd, buf, 0, buf.length, pos, abs);
      pos += buf.length;
      yield buf;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function changed(abs: string, why: string): ContextError {
  return new ContextError(`error checking context: '${abs}' changed after the context was read (${why}); the build context must not change during a build`);
}
