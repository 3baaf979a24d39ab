import type { Node } from "../sandbox/process-fs.js";
import type { AccountDb } from "../users/account-files.js";
import { describeError } from "../util/errors.js";
import { joinPath } from "../util/paths.js";
import type { Applet, AppletContext } from "./applet.js";
import { gnuQuoteAlways } from "./input.js";
import { appletOptions } from "./options.js";
import { modeString } from "./stat.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const SIX_MONTHS_MS = 182.5 * 24 * 3600 * 1000;

interface Entry {
  name: string;
  node: Node;
  /** Where the entry lives, for readlink. */
  path: string;
}

/**
 * ls [-1aAdFhilnpLrRStc] [FILE]...: busybox's output when stdout is not a terminal (one name
 * per line), with the owners and modes of the sandbox (directories show 4096 bytes, as on ext4).
 */
export const ls: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "ls", {
    flags: ctx.flavour === "gnu" ? "1aAdFhilnpLrRStcCegGs" : "1aAdFhilnpLrRStcCegs",
    // --color[=WHEN] is taken and ignored: the output is not a terminal.
    long: { all: "a", "almost-all": "A", directory: "d", recursive: "R", "human-readable": "h", color: "color" },
  }, { status: ctx.flavour === "gnu" ? 2 : 1 });
  if (typeof parsed === "number") return parsed;
  const f = new Set(parsed.opts.keys());
  const operands = parsed.operands;
  if (f.has("n") || f.has("g") || f.has("e")) f.add("l");
  const db = ctx.accounts();
  const long = f.has("l");
  const follow = f.has("L");
  let status = 0;
  const files: Entry[] = [];
  const dirs: Entry[] = [];
  for (const op of operands.length ? operands : ["."]) {
    const p = ctx.resolve(op);
    try {
      let node = ctx.fs.lstat(p);
      // busybox follows a command-line link unless -l or -F (-d too), coreutils unless -l, -d or -F.
      if (node.type === "symlink" && (follow || (!long && !f.has("F") && (ctx.flavour === "busybox" || !f.has("d"))))) {
        // busybox stats a command-line link it follows and reports a dangling one; coreutils lists it.
        node = ctx.flavour === "gnu" ? (ctx.fs.tryStat(p) ?? node) : ctx.fs.stat(p);
      }
      if (node.type === "dir" && !f.has("d")) dirs.push({ name: op, node, path: p });
      else files.push({ name: op, node, path: p });
    } catch (e) {
      ctx.stderr(ctx.flavour === "gnu" ? `ls: cannot access ${gnuQuoteAlways(op)}: ${describeError(e)}\n` : `ls: ${op}: ${describeError(e)}\n`);
      // busybox 1.35/1.36 exit 1 for a missing operand, coreutils 2 ("serious trouble").
      status = ctx.flavour === "gnu" ? 2 : 1;
    }
  }
  let out = "";
  // coreutils sizes the columns of the file operands together with the directory operands.
  if (files.length) out += render(ctx, db, f, sortEntries(f, files), false, ctx.flavour === "gnu" ? dirs : []);
  const showHeaders = dirs.length + files.length > 1 || f.has("R") || status !== 0;
  const queue = sortEntries(f, dirs);
  let first = files.length === 0;
  while (queue.length) {
    const d = queue.shift() as Entry;
    let children: Entry[];
    try {
      children = listDir(ctx, f, d.path);
    } catch (e) {
      ctx.stderr(ctx.flavour === "gnu" ? `ls: cannot open directory ${gnuQuoteAlways(d.name)}: ${describeError(e)}\n` : `ls: ${d.name}: ${describeError(e)}\n`);
      status = 2;
      continue;
    }
    if (showHeaders) out += `${first ? "" : "\n"}${d.name}:\n`;
    first = false;
    out += render(ctx, db, f, children, true);
    if (f.has("R")) {
      const sub = children.filter((c) => c.node.type === "dir" && c.name !== "." && c.name !== "..");
      queue.unshift(...sub.map((c) => ({ ...c, name: joinPath(d.name, c.name) })));
    }
  }
  ctx.stdout(out);
  return status;
};

function listDir(ctx: AppletContext, f: Set<string>, dir: string): Entry[] {
  const names = ctx.fs.readdir(dir).filter((n) => f.has("a") || f.has("A") || !n.startsWith("."));
  const entries: Entry[] = [];
  if (f.has("a")) {
    entries.push({ name: ".", node: ctx.fs.stat(dir), path: dir });
    entries.push({ name: "..", node: ctx.fs.stat(joinPath(dir, "..")), path: joinPath(dir, "..") });
  }
  for (const name of names) {
    const path = joinPath(dir, name);
    const node = f.has("L") ? (ctx.fs.tryStat(path) ?? ctx.fs.lstat(path)) : ctx.fs.lstat(path);
    entries.push({ name, node, path });
  }
  return sortEntries(f, entries);
}

function sortEntries(f: Set<string>, entries: Entry[]): Entry[] {
  const byName = (a: Entry, b: Entry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const sorted = [...entries].sort((a, b) => {
    if (f.has("t")) return b.node.mtime.getTime() - a.node.mtime.getTime() || byName(a, b);
    if (f.has("S")) return sizeOf(b.node) - sizeOf(a.node) || byName(a, b);
    return byName(a, b);
  });
  return f.has("r") ? sorted.reverse() : sorted;
}

function sizeOf(n: Node): number {
  return n.type === "dir" ? 4096 : n.size;
}

/** 1K blocks an entry takes on ext4 (4K allocation; a symlink's target fits in its inode). */
function blocksOf(n: Node): number {
  if (n.type === "dir") return 4;
  if (n.type !== "file") return 0;
  return Math.ceil(n.size / 4096) * 4;
}

function render(ctx: AppletContext, db: AccountDb, f: Set<string>, entries: Entry[], isDirListing: boolean, widthToo: Entry[] = []): string {
  let out = "";
  if ((f.has("l") || f.has("s")) && isDirListing) {
    const blocks = entries.reduce((sum, e) => sum + blocksOf(e.node), 0);
    // With -h the total is a size too; busybox pads it as it pads the size column.
    if (!f.has("h")) out += `total ${blocks}\n`;
    else if (ctx.flavour === "gnu") out += `total ${gnuHuman(blocks * 1024)}\n`;
    // busybox's human-readable 0 has no unit ("total 0", padded all the same).
    else out += `total ${(blocks === 0 ? "0" : `${Math.round(blocks / (blocks >= 1024 ? 1024 : 1))}${blocks >= 1024 ? "M" : "K"}`).padEnd(7)}\n`;
  }
  if (ctx.flavour === "gnu" && f.has("l")) return out + renderGnuLong(ctx, db, f, entries, widthToo);
  // -s: 1K blocks before each name; busybox pads them to 6, coreutils to the widest.
  const blockWidth = ctx.flavour === "gnu" ? Math.max(0, ...entries.map((e) => String(blocksOf(e.node)).length)) : 6;
  const shown = ctx.flavour === "busybox" ? busyboxPrintable(ctx.env) : (name: string) => name;
  for (const e of entries) {
    let line = f.has("i") ? `${String(e.node.ino).padStart(8)} ` : "";
    if (f.has("s")) line += `${String(blocksOf(e.node)).padStart(blockWidth)} `;
    if (f.has("l")) {
      const user = f.has("n") ? String(e.node.uid) : (db.userById(e.node.uid)?.name ?? String(e.node.uid));
      const group = f.has("n") ? String(e.node.gid) : (db.groupById(e.node.gid)?.name ?? String(e.node.gid));
      const size = e.node.type === "char" || e.node.type === "block" ? `${0},${String(0).padStart(4)}` : f.has("h") ? human(sizeOf(e.node)) : String(sizeOf(e.node));
      line += `${modeString(e.node)} ${String(e.node.nlink).padStart(4)} ${user.padEnd(8)} ${f.has("g") ? "" : `${group.padEnd(8)} `}${size.padStart(f.has("h") ? 7 : 9)} ${date(e.node.mtime, f.has("e"), ctx.now())} `;
    }
    line += shown(e.name) + suffix(f, e.node);
    if (f.has("l") && e.node.type === "symlink") {
      try {
        line += ` -> ${shown(ctx.fs.readlink(e.path))}`;
      } catch {
        // a link that vanished while listing: show the name alone
      }
    }
    out += `${line}\n`;
  }
  return out;
}

/**
 * coreutils' long format: every column as wide as its widest entry in this listing, single
 * spaces between them, names unquoted (stdout is not a terminal).
 */
function renderGnuLong(ctx: AppletContext, db: AccountDb, f: Set<string>, entries: Entry[], widthToo: Entry[] = []): string {
  const all = [...entries, ...widthToo].map((e) => {
    const user = f.has("n") ? String(e.node.uid) : (db.userById(e.node.uid)?.name ?? String(e.node.uid));
    const group = f.has("n") ? String(e.node.gid) : (db.groupById(e.node.gid)?.name ?? String(e.node.gid));
    const dev = e.node.type === "char" || e.node.type === "block";
    const size = dev ? "0, 0" : f.has("h") ? gnuHuman(sizeOf(e.node)) : String(sizeOf(e.node));
    let name = e.name + suffix(f, e.node);
    if (e.node.type === "symlink") {
      try {
        name += ` -> ${ctx.fs.readlink(e.path)}`;
      } catch {
        // a link that vanished while listing: show the name alone
      }
    }
    const ino = f.has("i") ? String(e.node.ino) : "";
    return { ino, blocks: f.has("s") ? String(blocksOf(e.node)) : "", mode: modeString(e.node), links: String(e.node.nlink), user, group, size, date: date(e.node.mtime, false, ctx.now()), name };
  });
  const rows = all.slice(0, entries.length);
  const w = (k: keyof (typeof rows)[number]) => Math.max(0, ...all.map((r) => r[k].length));
  const wi = w("ino");
  const wb = w("blocks");
  const wl = w("links");
  const wu = w("user");
  const wg = w("group");
  const ws = w("size");
  return rows
    .map((r) => {
      const cols = [
        ...(f.has("i") ? [r.ino.padStart(wi)] : []),
        ...(f.has("s") ? [r.blocks.padStart(wb)] : []),
        r.mode,
        r.links.padStart(wl),
        // A name is left-aligned, a bare number (-n, or no name for the id) right-aligned.
        ...(f.has("g") ? [] : [/^\d+$/.test(r.user) ? r.user.padStart(wu) : r.user.padEnd(wu)]),
        ...(f.has("G") ? [] : [/^\d+$/.test(r.group) ? r.group.padStart(wg) : r.group.padEnd(wg)]),
        r.size.padStart(ws),
        r.date,
        r.name,
      ];
      return `${cols.join(" ")}\n`;
    })
    .join("");
}

function gnuHuman(n: number): string {
  const units = ["K", "M", "G", "T", "P"];
  if (n < 1024) return String(n);
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  // coreutils rounds up, to one decimal below 10.
  return v < 10 ? `${(Math.ceil(v * 10) / 10).toFixed(1)}${units[i]}` : `${Math.ceil(v)}${units[i]}`;
}

function suffix(f: Set<string>, n: Node): string {
  if (f.has("F")) {
    if (n.type === "dir") return "/";
    if (n.type === "symlink") return "@";
    if (n.type === "fifo") return "|";
    if (n.type === "file" && n.mode & 0o111) return "*";
    return "";
  }
  return f.has("p") && n.type === "dir" ? "/" : "";
}

function date(d: Date, full: boolean, now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const mon = MONTHS[d.getUTCMonth()];
  const day = String(d.getUTCDate()).padStart(2);
  if (full) return `${d.toUTCString().slice(0, 3)} ${mon} ${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
  if (Math.abs(now.getTime() - d.getTime()) < SIX_MONTHS_MS) return `${mon} ${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return `${mon} ${day}  ${d.getUTCFullYear()}`;
}

function human(n: number): string {
  const units = ["", "K", "M", "G", "T"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? String(n) : `${v < 10 ? v.toFixed(1) : Math.round(v)}${units[i]}`;
}

/**
 * busybox's printable_string for names and link targets: unless the environment's locale
 * (LC_ALL, else LC_CTYPE, else LANG) names UTF-8, every byte outside 0x20–0x7e prints as `?`
 * (so `café` is `caf??` in a Docker RUN, where no LANG is set); with UTF-8, control characters and
 * each character past busybox's default CONFIG_LAST_SUPPORTED_WCHAR (U+02FF) do.
 */
function busyboxPrintable(env: Record<string, string>): (name: string) => string {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || "";
  if (/utf-?8/i.test(locale)) return (name) => name.replace(/[\x00-\x1f\x7f]|[^\x00-\u02ff]/gu, "?");
  return (name) => (/^[\x20-\x7e]*$/.test(name) ? name : Buffer.from(name, "utf8").toString("latin1").replace(/[^\x20-\x7e]/g, "?"));
}
