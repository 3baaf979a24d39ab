import { ByteReader, chunksOf, decompress, walkTar, writeTar, type TarFile } from "@tsbuild/archive";
import type { Node } from "../sandbox/process-fs.js";
import { describeError } from "../util/errors.js";
import { dirname, joinPath } from "../util/paths.js";
import { type AppletContext, fail } from "./applet.js";
import { busyboxBuild, gnuEnvOptions, gzipMember } from "./gzip-member.js";
import { modeString } from "./stat.js";

interface TarOptions {
  mode?: "c" | "x" | "t";
  file?: string;
  gzip: boolean;
  verbose: boolean;
  dir?: string;
  /** Restore modes exactly (default for root, as GNU and busybox tar do). */
  preserve?: boolean;
  /** Restore owners (default for root). */
  sameOwner?: boolean;
  numericOwner: boolean;
  strip: number;
  toStdout: boolean;
  excludes: string[];
  dereference: boolean;
  operands: string[];
}

/** Long options that change nothing here. */
const IGNORED_LONG = new Set(["overwrite", "no-overwrite-dir", "warning", "no-recursion-ignored", "touch"]);

const LONG: Record<string, keyof TarOptions | "create" | "extract" | "list"> = {
  create: "create", extract: "extract", get: "extract", list: "list", gzip: "gzip", gunzip: "gzip",
  verbose: "verbose", "preserve-permissions": "preserve", "same-permissions": "preserve",
  "same-owner": "sameOwner", "numeric-owner": "numericOwner", "to-stdout": "toStdout", dereference: "dereference",
};

function parseArgs(args: string[]): TarOptions {
  const o: TarOptions = { gzip: false, verbose: false, numericOwner: false, strip: 0, toStdout: false, excludes: [], dereference: false, operands: [] };
  const queue = [...args];
  // Old style: the first word is a bundle of letters without a dash ("xzf archive").
  if (queue[0] && !queue[0].startsWith("-")) queue[0] = `-${queue[0]}`;
  while (queue.length) {
    const a = queue.shift() as string;
    if (a === "--") {
      o.operands.push(...queue.splice(0));
    } else if (a.startsWith("--")) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
      const value = () => inline ?? (queue.shift() as string);
      if (name === "file") o.file = value();
      else if (name === "directory") o.dir = value();
      else if (name === "strip-components") o.strip = Number(value());
      else if (name === "exclude") o.excludes.push(value());
      else if (name === "no-same-owner") o.sameOwner = false;
      else if (name === "no-same-permissions" || name === "no-preserve-permissions") o.preserve = false;
      else if (IGNORED_LONG.has(name)) continue;
      else if (LONG[name] === "create") o.mode = "c";
      else if (LONG[name] === "extract") o.mode = "x";
      else if (LONG[name] === "list") o.mode = "t";
      else if (LONG[name]) (o as unknown as Record<string, boolean>)[LONG[name]] = true;
      else throw new Error(`unrecognized option '${a}'`);
    } else if (a.startsWith("-") && a.length > 1) {
      for (let i = 1; i < a.length; i++) {
        const c = a[i];
        if (c === "c" || c === "x" || c === "t") o.mode = c;
        else if (c === "z") o.gzip = true;
        else if (c === "v") o.verbose = true;
        else if (c === "p") o.preserve = true;
        else if (c === "o") o.sameOwner = false;
        else if (c === "O") o.toStdout = true;
        else if (c === "h") o.dereference = true;
        else if (c === "f" || c === "C") {
          // "-fNAME" carries its value; "-xzf NAME" and "xzf NAME" take the next word.
          const v = i + 1 < a.length ? a.slice(i + 1) : queue.shift();
          if (v === undefined) throw new Error(`option requires an argument -- '${c}'`);
          if (c === "f") o.file = v;
          else o.dir = v;
          break;
        } else if (c === "j" || c === "J" || c === "Z") throw new Error(`-${c}: only gzip compression is simulated`);
        else if (c === "k" || c === "m" || c === "P" || c === "a") continue;
        else throw new Error(`invalid option -- '${c}'`);
      }
    } else o.operands.push(a);
  }
  return o;
}

/** Member kinds (the names the listing and extraction go by). */
type EntryType = "file" | "link" | "symlink" | "character-device" | "block-device" | "directory" | "fifo" | "contiguous-file";

interface Entry {
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  uname?: string;
  gname?: string;
  mtime: Date;
  linkname?: string;
  data: Buffer;
}

/** The typeflags by name, which the listing and extraction below go by. */
const TYPES: Record<string, EntryType> = {
  "0": "file", "1": "link", "2": "symlink", "3": "character-device", "4": "block-device", "5": "directory", "6": "fifo", "7": "contiguous-file",
};

/** Every member, read with the project's one tar reader (@tsbuild/archive's walkTar); global PAX headers are not members. */
async function readEntries(archive: Buffer): Promise<Entry[]> {
  const entries: Entry[] = [];
  await walkTar(new ByteReader(chunksOf(archive)), {
    async entry(h, body) {
      if (h.typeflag === "g") return;
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c);
      entries.push({
        name: h.name,
        type: TYPES[h.typeflag] ?? "file",
        mode: h.mode & 0o7777,
        uid: h.uid,
        gid: h.gid,
        uname: h.uname || undefined,
        gname: h.gname || undefined,
        mtime: new Date(h.mtime * 1000),
        linkname: h.linkname || undefined,
        data: Buffer.concat(chunks),
      });
    },
  });
  return entries;
}

function excluded(o: TarOptions, name: string): boolean {
  const base = name.replace(/\/$/, "");
  return o.excludes.some((pat) => {
    const re = new RegExp(`^${pat.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
    return re.test(base) || re.test(base.split("/").pop() as string);
  });
}

/** tar -c/-x/-t [-zvpoOh] [-f FILE] [-C DIR] [--strip-components=N] [--exclude=PAT] [FILE]... */
export const tar = async (ctx: AppletContext): Promise<number> => {
  let o: TarOptions;
  try {
    o = parseArgs(ctx.args);
  } catch (e) {
    return fail(ctx, "tar", (e as Error).message);
  }
  if (!o.mode) return fail(ctx, "tar", "you must specify one of the '-ctx' options");
  const root = ctx.creds.uid === 0;
  o.preserve ??= root;
  o.sameOwner ??= root;
  const base = ctx.resolve(o.dir ?? ".");
  try {
    if (o.mode === "c") {
      const archive = await create(ctx, o, base);
      // Both tars pipe the archive through the image's `gzip` (no name, no time, level 6; GNU's
      // reads $GZIP, as gzip does, and fails the way tar reports a failed child).
      let level = 6;
      if (o.gzip && ctx.flavour === "gnu") {
        const env = gnuEnvOptions(ctx.env);
        if ("error" in env) {
          if (o.file && o.file !== "-") ctx.fs.writeFile(ctx.resolve(o.file), Buffer.alloc(0));
          ctx.stderr(`${env.error}tar: Child returned status 1\ntar: Error is not recoverable: exiting now\n`);
          return 2;
        }
        if (env.warning) ctx.stderr(env.warning);
        level = Number(env.letters.match(/[1-9](?=[^1-9]*$)/)?.[0] ?? 6);
      }
      const out = o.gzip ? gzipMember(archive, { level, gnu: ctx.flavour === "gnu", build: ctx.flavour === "gnu" ? undefined : busyboxBuild(ctx.fs) }) : archive;
      if (!o.file || o.file === "-") ctx.stdout(out);
      else ctx.fs.writeFile(ctx.resolve(o.file), out);
      return 0;
    }
    let input: Buffer;
    try {
      input = !o.file || o.file === "-" ? ctx.stdin : ctx.fs.readFile(ctx.resolve(o.file));
    } catch (e) {
      if (ctx.flavour === "gnu") {
        ctx.stderr(`tar: ${o.file}: Cannot open: ${describeError(e)}\ntar: Error is not recoverable: exiting now\n`);
        return 2;
      }
      return fail(ctx, "tar", `can't open '${o.file}': ${describeError(e)}`, 1);
    }
    input = await decompressed(input);
    const entries = await readEntries(input);
    if (o.mode === "t") {
      const db = o.verbose ? ctx.accounts() : undefined;
      // GNU tar lists names in its "escape" quoting (C locale): other bytes as \ooo.
      const show = (n: string) => (ctx.flavour === "gnu" ? escapeName(n) : n);
      for (const raw of entries) {
        const e = { ...raw, name: show(raw.name), linkname: raw.linkname === undefined || raw.linkname === null ? raw.linkname : show(raw.linkname) };
        if (excluded(o, raw.name) || !selected(o, raw.name)) continue;
        if (!db) ctx.stdout(`${e.name}\n`);
        else {
          const owner = `${e.uname ?? db.userById(e.uid)?.name ?? e.uid}/${e.gname ?? db.groupById(e.gid)?.name ?? e.gid}`;
          const type = e.type === "directory" ? "dir" : e.type === "symlink" ? "symlink" : "file";
          ctx.stdout(`${modeString({ type, mode: e.mode })} ${owner} ${String(e.data.length).padStart(8)} ${e.mtime.toISOString().slice(0, 16).replace("T", " ")} ${e.name}${e.linkname ? ` -> ${e.linkname}` : ""}\n`);
        }
      }
      return 0;
    }
    return extractAll(ctx, o, base, entries);
  } catch (e) {
    return fail(ctx, "tar", describeError(e), 2);
  }
};

function selected(o: TarOptions, name: string): boolean {
  if (o.operands.length === 0) return true;
  const n = name.replace(/^\.\//, "").replace(/\/$/, "");
  return o.operands.some((op) => {
    const p = op.replace(/^\.\//, "").replace(/\/$/, "");
    return n === p || n.startsWith(`${p}/`);
  });
}

/** Where an entry lands: leading "/" and "../" removed, --strip-components applied. */
function targetName(o: TarOptions, name: string): string | undefined {
  const parts = name.split("/").filter((p) => p !== "" && p !== "." && p !== "..");
  if (parts.length <= o.strip) return undefined;
  return parts.slice(o.strip).join("/");
}

function extractAll(ctx: AppletContext, o: TarOptions, base: string, entries: Entry[]): number {
  const fs = ctx.fs;
  const db = o.sameOwner && !o.numericOwner ? ctx.accounts() : undefined;
  const dirTimes: [string, Date][] = [];
  let status = 0;
  for (const e of entries) {
    if (excluded(o, e.name) || !selected(o, e.name)) continue;
    const rel = targetName(o, e.name);
    if (rel === undefined) continue;
    const path = joinPath(base, rel);
    if (o.verbose) ctx.stderr(`${e.name}\n`);
    if (o.toStdout) {
      if (e.type === "file" || e.type === "contiguous-file") ctx.stdout(e.data);
      continue;
    }
    try {
      fs.mkdir(dirname(path), { parents: true });
      const mode = o.preserve ? e.mode : e.mode & ~fs.umask;
      const existing = fs.tryLstat(path);
      if (e.type === "directory") {
        if (existing?.type !== "dir") {
          if (existing) fs.remove(path);
          fs.mkdir(path, { mode });
        } else fs.chmod(path, mode);
        dirTimes.push([path, e.mtime]);
      } else {
        if (existing) {
          if (existing.type === "dir") throw Object.assign(new Error("exists"), { code: "EISDIR" });
          fs.remove(path);
        }
        if (e.type === "symlink") fs.symlink(e.linkname ?? "", path);
        else if (e.type === "link") {
          const target = targetName(o, e.linkname ?? "");
          if (target === undefined) throw Object.assign(new Error("link"), { code: "ENOENT" });
          fs.link(joinPath(base, target), path);
          continue;
        } else if (e.type === "file" || e.type === "contiguous-file") fs.writeFile(path, e.data, { mode });
        else {
          ctx.stderr(`tar: ${e.name}: cannot create ${e.type} (devices are not simulated)\n`);
          status = 2;
          continue;
        }
      }
      if (o.sameOwner) {
        const uid = (e.uname ? db?.userByName(e.uname)?.uid : undefined) ?? e.uid;
        const gid = (e.gname ? db?.groupByName(e.gname)?.gid : undefined) ?? e.gid;
        fs.chown(path, { uid, gid }, { noFollow: true });
        // chown clears setuid/setgid; tar restores the mode after the owner.
        if (e.type !== "symlink" && o.preserve) fs.chmod(path, mode);
      }
      if (e.type !== "symlink" && e.type !== "directory") fs.utimes(path, e.mtime, e.mtime);
    } catch (err) {
      ctx.stderr(`tar: ${rel}: ${describeError(err)}\n`);
      status = 2;
    }
  }
  // Directory times last, as tar does, since extracting into a directory changes its time.
  for (const [path, time] of dirTimes.reverse()) fs.utimes(path, time, time);
  return status;
}

async function create(ctx: AppletContext, o: TarOptions, base: string): Promise<Buffer> {
  if (o.operands.length === 0) throw new Error("Cowardly refusing to create an empty archive");
  const files: TarFile[] = [];
  const db = ctx.accounts();
  const links = new Map<number, string>();
  let warned = false;
  const add = (path: string, name: string) => {
    if (excluded(o, name)) return;
    const n: Node = o.dereference ? ctx.fs.stat(path) : ctx.fs.lstat(path);
    const header = {
      name,
      mode: n.mode & 0o7777,
      uid: n.uid,
      gid: n.gid,
      uname: db.userById(n.uid)?.name ?? "",
      gname: db.groupById(n.gid)?.name ?? "",
      mtime: Math.floor(n.mtime.getTime() / 1000),
    };
    if (o.verbose) ctx.stderr(`${n.type === "dir" ? `${name}/` : name}\n`);
    if (n.type === "dir") {
      files.push({ ...header, type: "dir" });
      for (const child of ctx.fs.readdir(path)) add(joinPath(path, child), `${name}/${child}`);
    } else if (n.type === "symlink") {
      files.push({ ...header, type: "symlink", linkname: ctx.fs.readlink(path) });
    } else if (n.type === "file") {
      const first = n.nlink > 1 ? links.get(n.ino) : undefined;
      if (first) files.push({ ...header, type: "hardlink", linkname: first });
      else {
        if (n.nlink > 1) links.set(n.ino, name);
        files.push({ ...header, type: "file", content: ctx.fs.readFile(path) });
      }
    }
  };
  for (const op of o.operands) {
    let name = op.replace(/\/+$/, "") || "/";
    if (name.startsWith("/")) {
      if (!warned) ctx.stderr("tar: removing leading '/' from member names\n");
      warned = true;
      name = name.replace(/^\/+/, "") || ".";
    }
    add(op.startsWith("/") ? op : joinPath(base, op), name);
  }
  // The project's one tar writer (Go's header layout): not GNU's or busybox's bytes either (see README).
  return writeTar(files);
}

function escapeName(name: string): string {
  let out = "";
  for (const b of Buffer.from(name, "utf8")) {
    if (b === 0x5c) out += "\\\\";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, "0")}`;
  }
  return out;
}

/** gzip, bzip2, xz or zstd input unpacked as GNU and busybox tar do on extract and list: by its magic number (@tsbuild/archive). */
async function decompressed(input: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of decompress(input)) chunks.push(c);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}
