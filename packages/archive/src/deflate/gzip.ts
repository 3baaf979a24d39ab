import { crc32 } from "./crc32.js";
import { deflateRaw, DeflateState, type Engine, GNU_LEVELS, type LevelConfig } from "./lz.js";

/** The header's OS byte: both gzips write 3 (Unix). */
const OS_UNIX = 3;
const FNAME = 0x08;

/** GNU gzip 1.12 as Debian builds it: 15 hash bits, 32 Ki-symbol blocks, deflate_fast for -1..-3. */
export const GNU_GZIP: Engine = { hashBits: 15, litBufsize: 0x8000, distBufsize: 0x8000, fastLevels: true, gnuFixes: true };

/**
 * busybox's gzip.c at CONFIG_GZIP_FAST=0, 1 or 2 (small, medium or big memory): the hash and
 * block buffer sizes change the output.
 */
export function busyboxEngine(gzipFast: 0 | 1 | 2): Engine {
  return {
    hashBits: 13 + gzipFast,
    litBufsize: [0x2000, 0x4000, 0x8000][gzipFast],
    distBufsize: gzipFast === 0 ? 0x2000 : 0x8000,
    fastLevels: false,
    gnuFixes: false,
  };
}

export interface BusyboxBuild {
  /** CONFIG_GZIP_FAST. */
  gzipFast: 0 | 1 | 2;
  /** CONFIG_FEATURE_GZIP_LEVELS: without it every level is 6 and XFL is 0. */
  levels: boolean;
}

function trailer(data: Uint8Array): Uint8Array {
  const t = new Uint8Array(8);
  const v = new DataView(t.buffer);
  v.setUint32(0, crc32(data), true);
  v.setUint32(4, data.length >>> 0, true);
  return t;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface GnuGzipOptions {
  /** 1-9 (GNU's default is 6). */
  level?: number;
  /** The FNAME field (the base name, without directory), absent with -n and for stdin. */
  name?: Uint8Array | string;
  /** The MTIME field: seconds, 0 for none. */
  mtime?: number;
  /** Reuse one process's window across files (see DeflateState). */
  state?: DeflateState;
}

/** A gzip member byte for byte as GNU gzip 1.12 writes it. */
export function gnuGzip(data: Uint8Array, o: GnuGzipOptions = {}): Uint8Array {
  const level = o.level ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new RangeError(`gzip level ${level} is not 1-9`);
  const name = typeof o.name === "string" ? new TextEncoder().encode(o.name) : o.name;
  const header = new Uint8Array(10);
  header[0] = 0x1f;
  header[1] = 0x8b;
  header[2] = 8;
  header[3] = name ? FNAME : 0;
  new DataView(header.buffer).setUint32(4, (o.mtime ?? 0) >>> 0, true);
  header[8] = level === 1 ? 4 : level === 9 ? 2 : 0;
  header[9] = OS_UNIX;
  const parts: Uint8Array[] = [header];
  if (name) {
    // The name ends at its first NUL, as C's string copy does.
    const nul = name.indexOf(0);
    parts.push(nul >= 0 ? name.subarray(0, nul) : name, new Uint8Array(1));
  }
  parts.push(deflateRaw(data, level, GNU_GZIP, GNU_LEVELS[level], o.state), trailer(data));
  return concat(parts);
}

export interface BusyboxGzipOptions {
  level?: number;
  build?: BusyboxBuild;
  state?: DeflateState;
}

/** The build Alpine's busybox 1.36 and Debian's busybox-static 1.35 use (see README). */
export const BUSYBOX_BUILD: BusyboxBuild = { gzipFast: 2, levels: true };

/**
 * A gzip member as busybox's gzip writes it: no name, no time, XFL 2 only for -9; levels 1-3
 * are level 4 (busybox has no deflate_fast), and without level support everything is 6.
 */
export function busyboxGzip(data: Uint8Array, o: BusyboxGzipOptions = {}): Uint8Array {
  const build = o.build ?? BUSYBOX_BUILD;
  let level = o.level ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new RangeError(`gzip level ${level} is not 1-9`);
  if (!build.levels) level = 6;
  else if (level < 4) level = 4;
  const engine = o.state?.engine ?? busyboxEngine(build.gzipFast);
  const config: LevelConfig = GNU_LEVELS[level];
  const header = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, build.levels && level === 9 ? 2 : 0, OS_UNIX]);
  return concat([header, deflateRaw(data, level, engine, config, o.state), trailer(data)]);
}

export { DeflateState };
