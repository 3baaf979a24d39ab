import type { FileSystem } from "@tsbuild/fs-snapshot";
import { readText, writeText } from "../../util/fsutil.js";

/** The SONAME of an ELF64 little-endian shared object; null when the file is not one. */
export function elfSoname(b: Buffer): string | null | undefined {
  return sonameOf(b.length, (offset, length) => b.subarray(offset, offset + length));
}

/**
 * elfSoname over a file of `size` bytes read piece by piece: ldconfig needs the headers, the
 * dynamic section and one string, and reading whole libraries (libnode is 60 MB) to find them
 * was 0.7 s of copying per `apt-get install nodejs`.
 */
function sonameOf(size: number, read: (offset: number, length: number) => Buffer): string | null | undefined {
  if (size < 64) return undefined;
  const h = read(0, 64);
  if (h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2 || h[5] !== 1) return undefined;
  if (h.readUInt16LE(16) !== 3) return undefined; // ET_DYN
  const phoff = Number(h.readBigUInt64LE(32));
  const phentsize = h.readUInt16LE(54);
  const phnum = h.readUInt16LE(56);
  const loads: Array<{ vaddr: number; offset: number; filesz: number }> = [];
  let dyn: { offset: number; size: number } | undefined;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (o + 56 > size) return undefined;
    const ph = read(o, 56);
    const type = ph.readUInt32LE(0);
    const offset = Number(ph.readBigUInt64LE(8));
    const vaddr = Number(ph.readBigUInt64LE(16));
    const filesz = Number(ph.readBigUInt64LE(32));
    if (type === 1) loads.push({ vaddr, offset, filesz });
    if (type === 2) dyn = { offset, size: filesz };
  }
  if (!dyn) return undefined;
  let strtab: number | undefined;
  let soname: number | undefined;
  const dynEnd = Math.min(dyn.offset + dyn.size, size);
  const d = dyn.offset < dynEnd ? read(dyn.offset, dynEnd - dyn.offset) : Buffer.alloc(0);
  for (let o = 0; o + 16 <= d.length; o += 16) {
    const tag = Number(d.readBigInt64LE(o));
    const val = Number(d.readBigUInt64LE(o + 8));
    if (tag === 0) break;
    if (tag === 5) strtab = val;
    if (tag === 14) soname = val;
  }
  if (soname === undefined || strtab === undefined) return null;
  const seg = loads.find((l) => strtab! >= l.vaddr && strtab! < l.vaddr + l.filesz);
  if (!seg) return null;
  const at = strtab - seg.vaddr + seg.offset + soname;
  // the name ends at the first NUL, read in pieces up to the end of the file
  const parts: Buffer[] = [];
  for (let o = at; o < size; o += 256) {
    const piece = read(o, Math.min(256, size - o));
    const nul = piece.indexOf(0);
    if (nul >= 0) {
      parts.push(piece.subarray(0, nul));
      return Buffer.concat(parts).toString("latin1");
    }
    parts.push(piece);
  }
  return null;
}

/** glibc's _dl_cache_libcmp: digit runs compare as numbers. */
function libcmp(a: string, b: string): number {
  let i = 0, j = 0;
  while (i < a.length) {
    const da = a[i] >= "0" && a[i] <= "9", db = j < b.length && b[j] >= "0" && b[j] <= "9";
    if (da) {
      if (!db) return 1;
      let va = 0, vb = 0;
      while (i < a.length && a[i] >= "0" && a[i] <= "9") va = va * 10 + (a.charCodeAt(i++) - 48);
      while (j < b.length && b[j] >= "0" && b[j] <= "9") vb = vb * 10 + (b.charCodeAt(j++) - 48);
      if (va !== vb) return va - vb;
    } else if (db) return -1;
    else if (a[i] !== b[j]) return a.charCodeAt(i) - (j < b.length ? b.charCodeAt(j) : 0);
    else { i++; j++; }
  }
  return j < b.length ? -b.charCodeAt(j) : 0;
}

function confDirs(fs: FileSystem, file: string, out: string[], depth = 0): void {
  if (depth > 8) return;
  for (const raw of (readText(fs, file) ?? "").split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    const inc = /^include\s+(.+)$/.exec(line);
    if (inc) {
      const pat = inc[1].trim();
      const dir = pat.slice(0, pat.lastIndexOf("/")) || "/";
      const glob = new RegExp("^" + pat.slice(pat.lastIndexOf("/") + 1).replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*") + "$");
      if (fs.exists(dir)) for (const n of fs.readdir(dir).sort()) if (glob.test(n)) confDirs(fs, `${dir}/${n}`, out, depth + 1);
    } else out.push(line.replace(/\/+$/, ""));
  }
}

/**
 * ldconfig's /etc/ld.so.cache (glibc 2.36's format "glibc-ld.so.cache1.1"): one entry per SONAME
 * found in ld.so.conf's directories then the trusted ones (a directory reached twice — merged /usr
 * — counts once), sorted as glibc sorts them, paths in a suffix-merged string table, and the
 * generator extension naming the image's ldconfig. Returns false (nothing written) when the
 * image's ldconfig does not say which glibc it is.
 */
export function writeLdCache(fs: FileSystem): boolean {
  const ldconfig = ["/sbin/ldconfig", "/usr/sbin/ldconfig"].find((p) => fs.exists(p));
  const program = ldconfig ? fs.readFile(ldconfig).toString("latin1") : undefined;
  const generator = program ? /ldconfig \(([^)]*)\) [^\0]*?release version [0-9.]+/.exec(program)?.[0] : undefined;
  // the binary holds "ldconfig " and the version text in separate strings: rebuild the line it prints
  const pkgversion = program ? /\((Debian|Ubuntu) GLIBC [^)]+\) /.exec(program)?.[0] : undefined;
  const release = program ? /stable release version [0-9.]+|release version [0-9.]+/.exec(program)?.[0] : undefined;
  const gen = generator ?? (pkgversion && release ? `ldconfig ${pkgversion}${release}` : undefined);
  if (!gen) return false;
  const dirs: string[] = [];
  confDirs(fs, "/etc/ld.so.conf", dirs);
  dirs.push("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib");
  const seenDirs = new Set<number>();
  const libs = new Map<string, string>(); // soname → path
  for (const dir of dirs) {
    let st;
    try {
      st = fs.stat(dir);
    } catch {
      continue;
    }
    if (st.type !== "dir" || seenDirs.has(st.ino)) continue;
    seenDirs.add(st.ino);
    for (const name of fs.readdir(dir).sort()) {
      if (!(name.startsWith("lib") || name.startsWith("ld-")) || !name.includes(".so")) continue;
      const path = `${dir}/${name}`;
      let lst;
      try {
        lst = fs.lstat(path);
        if (fs.stat(path).type !== "file") continue;
      } catch {
        continue;
      }
      const size = fs.stat(path).size;
      const soname = sonameOf(size, (offset, length) => fs.readRange(path, offset, length));
      if (soname === undefined) continue;
      const so = soname ?? name;
      // a symlink that is not the soname link (libfoo.so → libfoo.so.1.2) is not an entry
      if (lst.type === "symlink" && so !== name) continue;
      if (!libs.has(so)) libs.set(so, `${dir}/${so}`);
    }
  }
  const entries = [...libs.entries()].sort((a, b) => libcmp(b[0], a[0]));
  // the string table: sorted on the bytes from the end, greater first, longer first on a shared suffix; later strings merged into earlier suffixes
  const strings = [...new Set(entries.flatMap(([so, path]) => [path, so]))].map((s) => Buffer.from(s, "latin1"));
  strings.sort((l, r) => {
    const n = Math.min(l.length, r.length);
    for (let i = 1; i <= n; i++) if (l[l.length - i] !== r[r.length - i]) return r[r.length - i] - l[l.length - i];
    return r.length - l.length;
  });
  const offsets = new Map<string, number>();
  const parts: Buffer[] = [];
  let size = 0;
  let prev: { s: Buffer; off: number } | undefined;
  for (const s of strings) {
    if (prev && prev.s.length >= s.length && prev.s.subarray(prev.s.length - s.length).equals(s)) {
      offsets.set(s.toString("latin1"), prev.off + prev.s.length - s.length);
      continue;
    }
    offsets.set(s.toString("latin1"), size);
    prev = { s, off: size };
    parts.push(s, Buffer.alloc(1));
    size += s.length + 1;
  }
  const HEADER = 48, ENTRY = 24;
  const strStart = HEADER + entries.length * ENTRY;
  const extOffset = (strStart + size + 3) & ~3;
  const genBytes = Buffer.from(gen, "latin1");
  const total = extOffset + 8 + 16 + genBytes.length;
  const b = Buffer.alloc(total);
  b.write("glibc-ld.so.cache1.1", 0, "latin1");
  b.writeUInt32LE(entries.length, 20);
  b.writeUInt32LE(size, 24);
  b[28] = 2; // little endian
  b.writeUInt32LE(extOffset, 32);
  entries.forEach(([so, path], i) => {
    const o = HEADER + i * ENTRY;
    b.writeInt32LE(0x0303, o); // FLAG_ELF_LIBC6 | FLAG_X8664_LIB64
    b.writeUInt32LE(strStart + offsets.get(so)!, o + 4);
    b.writeUInt32LE(strStart + offsets.get(path)!, o + 8);
  });
  Buffer.concat(parts).copy(b, strStart);
  b.writeUInt32LE(0xeaa42174, extOffset);
  b.writeUInt32LE(1, extOffset + 4);
  b.writeUInt32LE(0, extOffset + 8); // cache_extension_tag_generator
  b.writeUInt32LE(0, extOffset + 12);
  b.writeUInt32LE(extOffset + 24, extOffset + 16);
  b.writeUInt32LE(genBytes.length, extOffset + 20);
  genBytes.copy(b, extOffset + 24);
  writeText(fs, "/etc/ld.so.cache", b);
  return true;
}
