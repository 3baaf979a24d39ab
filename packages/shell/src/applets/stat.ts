import { gnuQuoteAlways } from "./input.js";
import type { Node } from "../sandbox/process-fs.js";
import type { AccountDb } from "../users/account-files.js";
import { describeError } from "../util/errors.js";
import { type Applet, type AppletContext, fail } from "./applet.js";
import { appletOptions } from "./options.js";

const TYPE_NAMES: Record<Node["type"], string> = {
  file: "regular file",
  dir: "directory",
  symlink: "symbolic link",
  char: "character special file",
  block: "block special file",
  fifo: "fifo",
};
const TYPE_BITS: Record<Node["type"], number> = { file: 0o100000, dir: 0o040000, symlink: 0o120000, char: 0o020000, block: 0o060000, fifo: 0o010000 };
const TYPE_CHAR: Record<Node["type"], string> = { file: "-", dir: "d", symlink: "l", char: "c", block: "b", fifo: "p" };

/** "-rwsr-xr-x" */
export function modeString(n: Pick<Node, "type" | "mode">): string {
  const m = n.mode;
  const triad = (shift: number, special: number, ch: string) => {
    const r = m & (4 << shift) ? "r" : "-";
    const w = m & (2 << shift) ? "w" : "-";
    const x = m & (1 << shift);
    const s = m & special;
    return r + w + (s ? (x ? ch : ch.toUpperCase()) : x ? "x" : "-");
  };
  return TYPE_CHAR[n.type] + triad(6, 0o4000, "s") + triad(3, 0o2000, "s") + triad(0, 0o1000, "t");
}

function timeString(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(d.getUTCMilliseconds() * 1_000_000).padStart(9, "0")} +0000`;
}

function typeName(n: Node): string {
  return n.type === "file" && n.size === 0 ? "regular empty file" : TYPE_NAMES[n.type];
}

function format(ctx: AppletContext, db: AccountDb, fmt: string, name: string, n: Node): string {
  return fmt.replace(/%(-?\d*)(.)/g, (all, width: string, c: string) => {
    const v = field(ctx, db, c, name, n);
    if (v === undefined) return all;
    if (!width) return v;
    const w = Math.abs(Number(width));
    return width.startsWith("-") ? v.padEnd(w) : width.startsWith("0") ? v.padStart(w, "0") : v.padStart(w);
  });
}

function field(ctx: AppletContext, db: AccountDb, c: string, name: string, n: Node): string | undefined {
  switch (c) {
    case "a": return (n.mode & 0o7777).toString(8);
    case "A": return modeString(n);
    case "b": return String(Math.ceil(n.size / 512));
    case "B": return "512";
    case "d": return n.virtual ? "2" : "1";
    case "f": return ((TYPE_BITS[n.type] | n.mode) >>> 0).toString(16);
    case "F": return typeName(n);
    case "g": return String(n.gid);
    case "G": return db.groupById(n.gid)?.name ?? "UNKNOWN";
    case "h": return String(n.nlink);
    case "i": return String(n.ino);
    case "n": return name;
    // busybox quotes only a symlink's pair.
    case "N": {
      const quote = (x: string) => (ctx.flavour === "gnu" ? gnuQuoteAlways(x) : `'${x}'`);
      return n.type === "symlink" ? `${quote(name)} -> ${quote(ctx.fs.readlink(ctx.resolve(name)))}` : ctx.flavour === "gnu" ? quote(name) : name;
    }
    case "o": return "4096";
    case "s": return String(n.type === "dir" ? 4096 : n.size);
    case "u": return String(n.uid);
    case "U": return db.userById(n.uid)?.name ?? "UNKNOWN";
    case "x": case "y": case "z": return timeString(n.mtime);
    case "X": case "Y": case "Z": return String(Math.floor(n.mtime.getTime() / 1000));
    case "%": return "%";
    default: return undefined;
  }
}

const DEFAULT_FORMAT = [
  "  File: %N",
  "  Size: %s\tBlocks: %b          IO Block: %o   %F",
  "Device: %dh/%dd\tInode: %i        Links: %h",
  "Access: (%04a/%A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)",
  "Access: %x",
  "Modify: %y",
  "Change: %z",
].join("\n");

/** stat [-L] [-c FORMAT] FILE... (busybox's format sequences). */
export const stat: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "stat", { flags: "Lt", values: "c", long: { dereference: "L", "format=": "c", "printf=": "c" } });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  if (operands.length === 0) return fail(ctx, "stat", "missing operand");
  const fmt = typeof opts.get("c") === "string" ? (opts.get("c") as string) : DEFAULT_FORMAT;
  const db = ctx.accounts();
  let status = 0;
  for (const name of operands) {
    try {
      const p = ctx.resolve(name);
      const n = opts.has("L") ? ctx.fs.stat(p) : ctx.fs.lstat(p);
      ctx.stdout(`${format(ctx, db, fmt, name, n)}\n`);
    } catch (e) {
      status = fail(ctx, "stat", `can't stat '${name}': ${describeError(e)}`);
    }
  }
  return status;
};
