#!/usr/bin/env node
// Converts a real root filesystem directory (built by gen-*.sh) into the compact image spec
// that src/spec.ts reads: one line per entry, and the real text of the small files listed
// by --text globs. Everything else becomes a placeholder of its real size.
//
//   node tree-to-spec.mjs ROOTFS_DIR HEADER.json OUT.json [--text GLOB]... [--scale N]
import { lstatSync, readdirSync, readlinkSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [rootDir, headerFile, outFile, ...rest] = process.argv.slice(2);
if (!rootDir || !headerFile || !outFile) {
  console.error("usage: tree-to-spec.mjs ROOTFS_DIR HEADER.json OUT.json [--text GLOB]...");
  process.exit(2);
}
const textGlobs = [];
for (let i = 0; i < rest.length; i++) if (rest[i] === "--text") textGlobs.push(globToRegExp(rest[++i]));

function globToRegExp(glob) {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") { re += ".*"; i++; }
    else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp("^" + re + "$");
}

const header = JSON.parse(readFileSync(headerFile, "utf8"));
const entries = [];
const texts = {};
const inodes = new Map();
let size = 0;

function isText(buf) {
  if (buf.includes(0)) return false;
  return Buffer.from(buf.toString("utf8"), "utf8").equals(buf);
}

function walk(abs, rel) {
  for (const name of readdirSync(abs).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    const p = rel + "/" + name;
    const full = join(abs, name);
    const st = lstatSync(full);
    const perm = (st.mode & 0o7777).toString(8).padStart(4, "0");
    const own = `${st.uid} ${st.gid}`;
    if (st.isDirectory()) {
      entries.push(`d ${perm} ${own} ${p}`);
      walk(full, p);
    } else if (st.isSymbolicLink()) {
      const target = readlinkSync(full);
      entries.push(`l ${own} ${p} -> ${target}`);
      size += Buffer.byteLength(target);
    } else if (st.isFile()) {
      if (st.nlink > 1 && inodes.has(st.ino)) {
        entries.push(`h ${p} => ${inodes.get(st.ino)}`);
        continue;
      }
      if (st.nlink > 1) inodes.set(st.ino, p);
      entries.push(`f ${perm} ${own} ${st.size} ${p}`);
      size += st.size;
      if (st.size <= 262144 && textGlobs.some((re) => re.test(p))) {
        const buf = readFileSync(full);
        if (isText(buf)) texts[p] = buf.toString("utf8");
      }
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      const kind = st.isCharacterDevice() ? "c" : "b";
      entries.push(`${kind} ${perm} ${own} ${Math.floor(st.rdev / 256)} ${st.rdev % 256} ${p}`);
    } else if (st.isFIFO()) {
      entries.push(`p ${perm} ${own} ${p}`);
    }
  }
}
walk(rootDir, "");
const out = { ...header, size, entries, texts };
writeFileSync(outFile, JSON.stringify(out, null, 0).replace(/","/g, '",\n"') + "\n");
console.error(`${outFile}: ${entries.length} entries, ${Object.keys(texts).length} texts, ${size} bytes`);
