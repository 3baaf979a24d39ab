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
import { EMPTY, type ContextRecord } from "./record.js";

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
  const hasExclusions = patterns.some((p) => p.exclusion);

  const visit = (rel: string, parent: ParentMatches) => {
    const abs = nodePath.join(root, rel);
    const st = lstatOrNull(abs);
    if (!st) return;
    const isDir = st.isDirectory();
    const { matched, results } = matchesUsingParentResults(rel, patterns, parent);
    if (matched) {
      if (!isDir || !hasExclusions) return;
      // An excluded directory is still entered when an exception pattern names something below it.
      const dirSlash = rel + "/";
      if (!patterns.some((p) => p.exclusion && (p.cleaned + "/").startsWith(dirSlash))) return;
    } else {
      const rec = toRecord(abs, rel, st, seenInodes);
      if (rec) records.push(rec);
    }
    if (isDir) for (const name of listDir(abs)) visit(`${rel}/${name}`, results);
  };
  for (const name of listDir(root)) visit(name, null);
  return records;
}

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
function lstatOrNull(abs: string): fs.Stats | null {
  try {
    return fs.lstatSync(abs, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

function bigLstat(abs: string): fs.BigIntStats {
  return fs.lstatSync(abs, { bigint: true });
}

function toRecord(abs: string, rel: string, st: fs.Stats, seenInodes: Map<string, string>): ContextRecord | null {
  const mode = st.mode & 0o7777;
  const mtime = new Date(Math.trunc(st.mtimeMs / 1000) * 1000);
  const base = { mode, uid: 0, gid: 0, size: 0, linkname: "", devmajor: 0, devminor: 0 };
  const none = () => EMPTY;
  if (st.isDirectory()) return { header: { ...base, name: rel + "/", typeflag: "5" }, mtime, data: none };
  if (st.isSocket()) return null; // Go's tar writer refuses sockets; the CLI skips them.

  // Anything but a directory with more than one link is hard-linked: later names point at the first.
  if (st.nlink > 1) {
    const big = bigLstat(abs);
    const ino = String(big.ino);
    const first = seenInodes.get(ino);
    if (first !== undefined) {
      return { header: { ...base, name: rel, typeflag: "1", linkname: first }, mtime, data: none };
    }
    seenInodes.set(ino, rel);
  }
  if (st.isSymbolicLink()) {
    return { header: { ...base, name: rel, typeflag: "2", linkname: fs.readlinkSync(abs) }, mtime, data: none };
  }
  if (st.isFile()) {
    const chunks = st.size > streamAbove() ? () => streamAsWalked(abs, st) : undefined;
    return { header: { ...base, name: rel, typeflag: "0", size: Number(st.size) }, mtime, data: handOff(abs, st), chunks, stat: st };
  }
  const rdev = bigLstat(abs).rdev;
  const devmajor = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const devminor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  const typeflag = st.isFIFO() ? "6" : st.isCharacterDevice() ? "3" : "4";
  return { header: { ...base, name: rel, typeflag, devmajor, devminor }, mtime, data: none };
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
 * A context file's reader. The first read is also kept for the next caller: a file is read to
 * hash it (for the cache probe) and then, on a miss, read again to copy it, and this makes that
 * one read of the disk. Later calls read afresh, so a buffer is shared by two callers at most,
 * and both must treat it as read-only.
 */
function handOff(abs: string, walked: fs.Stats): () => Buffer {
  let kept: Buffer | undefined;
  let reads = 0;
  return () => {
    if (kept) {
      const out = kept;
      kept = undefined;
      return out;
    }
    const data = readAsWalked(abs, walked);
    if (reads++ === 0) kept = data;
    return data;
  };
}

/**
 * The bytes of the file the walk saw, or an error: opened with O_NOFOLLOW and checked against the
 * walk's lstat (device, inode, size, mtime), so a file swapped for a symlink (or a parent for a
 * link to elsewhere) while an earlier step runs cannot bring a host file into the image.
 */
function readAsWalked(abs: string, walked: fs.Stats): Buffer {
  const fd = openAsWalked(abs, walked);
  try {
    const size = walked.size;
    if (size > buffer.constants.MAX_LENGTH) {
      throw new ContextError(`error checking context: '${abs}' is ${size} bytes, more than one file may hold in memory (${buffer.constants.MAX_LENGTH})`);
    }
    const data = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const n = fs.readSync(fd, data, filled, size - filled, filled);
      if (n === 0) throw changed(abs, "it was truncated");
      filled += n;
    }
    return data;
  } finally {
    fs.closeSync(fd);
  }
}

/** The file the walk saw, open (O_NOFOLLOW, then checked against the walk's lstat), or an error. */
function openAsWalked(abs: string, walked: fs.Stats): number {
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
 * The bytes of the file the walk saw, a megabyte at a time, with readAsWalked's checks: a file
 * too large to hold (a 1.5 GB context file) is hashed and copied without ever being one Buffer.
 */
function* streamAsWalked(abs: string, walked: fs.Stats): Generator<Buffer> {
  const fd = openAsWalked(abs, walked);
  try {
    for (let pos = 0; pos < walked.size; ) {
      const chunk = Buffer.allocUnsafe(Math.min(STREAM_CHUNK, walked.size - pos));
      let filled = 0;
      while (filled < chunk.length) {
        const n = fs.readSync(fd, chunk, filled, chunk.length - filled, pos + filled);
        if (n === 0) throw changed(abs, "it was truncated");
        filled += n;
      }
      pos += filled;
      yield chunk;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function changed(abs: string, why: string): ContextError {
  return new ContextError(`error checking context: '${abs}' changed after the context was read (${why}); the build context must not change during a build`);
}
