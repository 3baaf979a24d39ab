import type { Applet, AppletContext } from "./applet.js";
import { describeError } from "../util/errors.js";
import { gnuQuote, gnuQuoteAlways, readInput } from "./input.js";
import { appletOptions } from "./options.js";

/** Ordering options of a key (or global). */
interface Order {
  b: boolean; // leading blanks ignored
  d: boolean; // dictionary order
  f: boolean; // fold case
  i: boolean; // printable only
  n: boolean;
  g: boolean;
  h: boolean;
  M: boolean;
  V: boolean;
  r: boolean;
}

interface Key extends Order {
  sf: number;
  sc: number;
  ef: number; // 0: end of line
  ec: number; // 0: end of field
  /** The key gave its own ordering options (then the global ones do not apply to it). */
  own: boolean;
  endB: boolean;
}

const ORDER_FLAGS = "bdfignhMVr";

function emptyOrder(): Order {
  return { b: false, d: false, f: false, i: false, n: false, g: false, h: false, M: false, V: false, r: false };
}

/** A bad key or separator: sort's message, exit status 2. */
class Usage extends Error {}

function parseKey(spec: string, gnu: boolean): Key {
  const m = spec.match(/^(\d+)(?:\.(\d+))?([a-zA-Z]*)(?:,(\d+)(?:\.(\d+))?([a-zA-Z]*))?$/);
  if (!m) throw new Usage(gnu ? `sort: invalid number at field start: invalid count at start of '${spec}'` : `sort: bad field specification '${spec}'`);
  const key: Key = { ...emptyOrder(), sf: Number(m[1]), sc: m[2] ? Number(m[2]) : 1, ef: m[4] ? Number(m[4]) : 0, ec: m[5] ? Number(m[5]) : 0, own: false, endB: false };
  if (key.sf === 0 || (m[2] !== undefined && key.sc === 0)) throw new Usage(gnu ? `sort: field number is zero: invalid field specification '${spec}'` : "sort: bad field specification");
  for (const c of m[3] ?? "") {
    if (!ORDER_FLAGS.includes(c)) throw new Usage(gnu ? `sort: stray character in field spec: invalid field specification '${spec}'` : `sort: unknown key option '${c}'`);
    key[c as keyof Order] = true;
    key.own = true;
  }
  for (const c of m[6] ?? "") {
    if (!ORDER_FLAGS.includes(c)) throw new Usage(gnu ? `sort: stray character in field spec: invalid field specification '${spec}'` : `sort: unknown key option '${c}'`);
    if (c === "b") key.endB = true;
    else key[c as keyof Order] = true;
    key.own = true;
  }
  return key;
}

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;

/** The bytes of `line` a key covers (POSIX field rules; without -t a field starts with its blanks). */
function extract(line: Buffer, key: Key, sep: number | undefined): Buffer {
  const fieldStart = (n: number): number => {
    let p = 0;
    for (let f = 1; f < n && p <= line.length; f++) {
      if (sep !== undefined) {
        const q = line.indexOf(sep, p);
        p = q < 0 ? line.length + 1 : q + 1;
      } else {
        while (p < line.length && isBlank(line[p])) p++;
        while (p < line.length && !isBlank(line[p])) p++;
      }
    }
    return Math.min(p, line.length);
  };
  const fieldEnd = (start: number): number => {
    let p = start;
    if (sep !== undefined) {
      const q = line.indexOf(sep, p);
      return q < 0 ? line.length : q;
    }
    while (p < line.length && isBlank(line[p])) p++;
    while (p < line.length && !isBlank(line[p])) p++;
    return p;
  };
  let s = fieldStart(key.sf);
  if (key.b) while (s < line.length && isBlank(line[s])) s++;
  s = Math.min(s + key.sc - 1, key.sf > 0 ? Math.max(s, fieldEnd(fieldStart(key.sf))) : line.length);
  let e: number;
  if (key.ef === 0) e = line.length;
  else {
    const fs = fieldStart(key.ef);
    if (key.ec === 0) e = fieldEnd(fs);
    else {
      let p = fs;
      if (key.endB) while (p < line.length && isBlank(line[p])) p++;
      e = Math.min(p + key.ec, line.length);
    }
  }
  return e <= s ? Buffer.alloc(0) : line.subarray(s, e);
}

function numericPrefix(b: Buffer): number {
  const m = b.toString("latin1").match(/^[ \t]*(-?)(\d*)(\.\d*)?/);
  if (!m || (!m[2] && !(m[3] && m[3].length > 1))) return 0;
  const v = Number(`${m[1]}${m[2] || "0"}${m[3] && m[3].length > 1 ? m[3] : ""}`);
  return Object.is(v, -0) ? 0 : v;
}

/** glibc's strtod over the start of a key: the value of the longest number there, or undefined. */
function strtod(b: Buffer): number | undefined {
  const t = b.toString("latin1").replace(/^[ \t\n\v\f\r]+/, "");
  const hex = /^([-+]?)0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP]([-+]?\d+))?/.exec(t);
  if (hex) {
    const [int, frac = ""] = hex[2].split(".");
    const mant = parseInt(int || "0", 16) + (frac ? parseInt(frac, 16) / 16 ** frac.length : 0);
    return (hex[1] === "-" ? -1 : 1) * mant * 2 ** Number(hex[3] ?? 0);
  }
  const m = /^([-+]?)((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|inf(?:inity)?|nan)/i.exec(t);
  if (!m) return undefined;
  const w = m[2].toLowerCase();
  const v = w.startsWith("inf") ? Infinity : w === "nan" ? NaN : Number(m[2]);
  return m[1] === "-" ? -v : v;
}

/** glibc's atof: strtod's value, 0 when there is no number. */
function atof(b: Buffer): number {
  return strtod(b) ?? 0;
}

/** sort -g (busybox and coreutils use strtod): no number sorts first, then NaN, then the numbers. */
function generalCompare(a: Buffer, b: Buffer): number {
  const x = strtod(a);
  const y = strtod(b);
  if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? 0 : Number.isNaN(x) ? -1 : 1;
  return Math.sign(x - y) || 0;
}

const SUFFIX = "KMGTPEZYRQ";
/** -h's key: (the suffix's order, signed as the number; 0 without one) and the number (coreutils' find_unit_order). */
function human(b: Buffer): [number, number] {
  const m = b.toString("latin1").match(/^[ \t]*(-?)(\d*\.?\d*)([KMGTPEZYRQk]?)/);
  if (!m || !m[2] || m[2] === ".") return [0, 0];
  const sign = m[1] ? -1 : 1;
  const mag = m[3] ? SUFFIX.indexOf(m[3].toUpperCase()) + 1 : 0;
  return [sign * mag, sign * Number(m[2])];
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
function month(b: Buffer): number {
  const s = b.toString("latin1").replace(/^[ \t]+/, "").slice(0, 3).toUpperCase();
  return MONTHS.indexOf(s) + 1;
}

/** GNU's filevercmp, as used by sort -V. */
function verrevcmp(a: string, b: string): number {
  const order = (c: string | undefined): number => {
    if (c === undefined) return 0;
    if (/[0-9]/.test(c)) return 0;
    if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
    if (c === "~") return -1;
    return c.charCodeAt(0) + 256;
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let first = 0;
    while ((i < a.length && !/[0-9]/.test(a[i])) || (j < b.length && !/[0-9]/.test(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    while (i < a.length && j < b.length && /[0-9]/.test(a[i]) && /[0-9]/.test(b[j])) {
      if (!first) first = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && /[0-9]/.test(a[i])) return 1;
    if (j < b.length && /[0-9]/.test(b[j])) return -1;
    if (first) return first;
  }
  return 0;
}

function versionCompare(a: string, b: string): number {
  if (a === b) return 0;
  const suffix = (s: string): [string, string] => {
    const m = s.match(/^(.*?)((?:\.[A-Za-z~][A-Za-z0-9~]*)*)$/);
    return m ? [m[1], m[2]] : [s, ""];
  };
  if (a === "") return -1;
  if (b === "") return 1;
  if (a === "." || a === "..") return b === "." || b === ".." ? (a === "." ? -1 : 1) : -1;
  if (b === "." || b === "..") return 1;
  if (a.startsWith(".") && !b.startsWith(".")) return -1;
  if (!a.startsWith(".") && b.startsWith(".")) return 1;
  const [ap, as] = suffix(a.startsWith(".") ? a.slice(1) : a);
  const [bp, bs] = suffix(b.startsWith(".") ? b.slice(1) : b);
  const r = ap === bp ? 0 : verrevcmp(ap, bp);
  return r || verrevcmp(a, b);
}

/** glibc's strverscmp(3), which busybox sort -V uses: digit runs compare as numbers, leading zeros as fractions. */
export function strverscmp(a: Buffer, b: Buffer): number {
  const S_N = 0, S_I = 3, S_F = 6, S_Z = 9, CMP = 2, LEN = 3;
  const next = [S_N, S_I, S_Z, S_N, S_I, S_I, S_N, S_F, S_F, S_N, S_F, S_Z];
  const result = [
    CMP, CMP, CMP, CMP, LEN, CMP, CMP, CMP, CMP,
    CMP, -1, -1, +1, LEN, LEN, +1, LEN, LEN,
    CMP, CMP, CMP, CMP, CMP, CMP, CMP, CMP, CMP,
    CMP, +1, +1, -1, CMP, CMP, -1, CMP, CMP,
  ];
  const at = (s: Buffer, i: number) => (i < s.length ? s[i] : 0);
  const digit = (c: number) => c >= 0x30 && c <= 0x39;
  const cls = (c: number) => (c === 0x30 ? 1 : 0) + (digit(c) ? 1 : 0);
  if (a.equals(b)) return 0;
  let i = 0;
  let c1 = at(a, i);
  let c2 = at(b, i);
  i++;
  let state = S_N + cls(c1);
  let diff: number;
  while ((diff = c1 - c2) === 0) {
    if (c1 === 0) return 0;
    state = next[state];
    c1 = at(a, i);
    c2 = at(b, i);
    i++;
    state += cls(c1);
  }
  const r = result[state * 3 + cls(c2)];
  if (r === CMP) return diff;
  if (r === LEN) {
    let j = i;
    while (digit(at(a, j))) {
      if (!digit(at(b, j))) return 1;
      j++;
    }
    return digit(at(b, j)) ? -1 : diff;
  }
  return r;
}

function transform(b: Buffer, o: Order): Buffer {
  if (!o.d && !o.i && !o.f) return b;
  const out: number[] = [];
  for (const c of b) {
    if (o.d && !(isBlank(c) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) continue;
    if (o.i && (c < 0x20 || c >= 0x7f)) continue;
    out.push(o.f && c >= 0x61 && c <= 0x7a ? c - 0x20 : c);
  }
  return Buffer.from(out);
}

function compareKey(a: Buffer, b: Buffer, o: Order & { busybox?: boolean }): number {
  let r: number;
  if (o.n && o.busybox) {
    // busybox's -n is atof's value (glibc strtod: exponents, hex, inf); NaN compares equal.
    const x = atof(a);
    const y = atof(b);
    r = x > y ? 1 : x < y ? -1 : 0;
  } else if (o.n) r = Math.sign(numericPrefix(a) - numericPrefix(b));
  else if (o.g) r = generalCompare(a, b); else if (o.h) {
    const [ma, va] = human(a);
    const [mb, vb] = human(b);
    r = Math.sign(ma - mb) || Math.sign(va - vb);
  } else if (o.M) r = Math.sign(month(a) - month(b));
  else if (o.V) r = Math.sign(o.busybox ? strverscmp(a, b) : versionCompare(a.toString("latin1"), b.toString("latin1")));
  else r = Buffer.compare(transform(a, o), transform(b, o));
  return o.r ? -r : r;
}

/**
 * sort [-bcdfghiMnrsuVz] [-k KEY]... [-t SEP] [-o FILE] [FILE]...: in the C locale (byte
 * order), the container's, with POSIX keys and the last-resort whole-line comparison.
 */
export const sort: Applet = (ctx) => {
  const gnu = ctx.flavour === "gnu";
  const global: Order & { busybox?: boolean } = { ...emptyOrder(), busybox: !gnu };
  const keys: Key[] = [];
  let sep: number | undefined;
  let output: string | undefined;
  let unique = false;
  let stable = false;
  let check: "" | "c" | "C" = "";
  let zero = false;
  // busybox accepts -m and sorts; coreutils merges inputs it takes as sorted.
  let merge = false;
  const parsed = appletOptions(ctx, "sort", {
    // busybox has no -h (measured against 1.35).
    flags: `${gnu ? ORDER_FLAGS : ORDER_FLAGS.replace("h", "")}uszcCm`,
    values: "ktoST",
    long: gnu ? {
      "ignore-leading-blanks": "b", "dictionary-order": "d", "ignore-case": "f", "general-numeric-sort": "g",
      "ignore-nonprinting": "i", "month-sort": "M", "human-numeric-sort": "h", "numeric-sort": "n", "reverse": "r",
      "version-sort": "V", "unique": "u", "stable": "s", "zero-terminated": "z", "check=?": "c", "merge": "m",
      "key=": "k", "field-separator=": "t", "output=": "o", "buffer-size=": "S", "temporary-directory=": "T", "parallel=": "P",
    } : undefined,
  }, { status: 2, tryHelp: gnu });
  if (typeof parsed === "number") return parsed;
  const files = parsed.operands;
  try {
    for (const [c, v] of parsed.order) {
      if (c === "k") keys.push(parseKey(v as string, gnu));
      else if (c === "t") {
        const bytes = Buffer.from(v as string);
        if (bytes.length !== 1) throw new Usage(gnu ? (v === "" ? "sort: empty tab" : `sort: multi-character tab '${v}'`) : "sort: bad -t parameter");
        sep = bytes[0];
      } else if (c === "o") output = v as string;
      else if (ORDER_FLAGS.includes(c)) global[c as keyof Order] = true;
      else if (c === "u") unique = true;
      else if (c === "s") stable = true;
      else if (c === "z") zero = true;
      // --check=quiet and --check=silent are -C.
      else if (c === "c" || c === "C") check = v === "quiet" || v === "silent" ? "C" : c;
      else if (c === "m") merge = true;
    }
  } catch (e) {
    if (!(e instanceof Usage)) throw e;
    ctx.stderr(`${e.message}\n`);
    return 2;
  }
  if (files.length === 0) files.push("-");
  if (check && gnu && files.length > 1) {
    ctx.stderr(`sort: extra operand ${gnuQuoteAlways(files[1])} not allowed with -${check}\n`);
    return 2;
  }
  const eol = zero ? 0 : 0x0a;
  const lines: Buffer[] = [];
  const starts: number[] = [];
  for (const f of files) {
    starts.push(lines.length);
    let data: Buffer;
    try {
      data = readInput(ctx, f);
    } catch (e) {
      ctx.stderr(gnu ? `sort: cannot read: ${gnuQuote(f)}: ${describeError(e)}\n` : `sort: ${f}: ${describeError(e)}\n`);
      return 2;
    }
    let p = 0;
    while (p < data.length) {
      const q = data.indexOf(eol, p);
      if (q < 0) {
        lines.push(data.subarray(p));
        break;
      }
      lines.push(data.subarray(p, q));
      p = q + 1;
    }
  }
  // A key without ordering options of its own takes the global ones.
  const effective = keys.map((k) => (k.own ? { ...k, busybox: !gnu } : { ...k, ...global, sf: k.sf, sc: k.sc, ef: k.ef, ec: k.ec, own: false, endB: k.endB || global.b }));
  const wholeLine: Key = { ...global, sf: 1, sc: 1, ef: 0, ec: 0, own: false, endB: false };
  const compare = (a: Buffer, b: Buffer): number => {
    const list = effective.length ? effective : [wholeLine];
    for (const k of list) {
      const r = compareKey(k === wholeLine && !k.b ? a : extract(a, k, sep), k === wholeLine && !k.b ? b : extract(b, k, sep), k);
      if (r) return r;
    }
    return 0;
  };
  const full = (a: Buffer, b: Buffer): number => {
    const r = compare(a, b);
    // GNU's -u compares by the keys alone; busybox's still breaks ties on the whole line.
    if (r || stable || (unique && gnu)) return r;
    const last = Buffer.compare(a, b);
    return global.r ? -last : last;
  };
  if (check) {
    for (let i = 1; i < lines.length; i++) {
      const r = full(lines[i - 1], lines[i]);
      if (r > 0 || (unique && r === 0)) {
        if (check === "c") ctx.stderr(gnu ? `sort: ${files[0]}:${i + 1}: disorder: ${lines[i].toString("utf8")}\n` : `Check line ${i}\n`);
        return 1;
      }
    }
    return 0;
  }
  let indexed = lines.map((l, i) => ({ l, i }));
  if (merge && gnu) indexed = mergeRuns(indexed, [...starts, lines.length], (x, y) => full(x.l, y.l));
  else indexed.sort((x, y) => full(x.l, y.l) || x.i - y.i);
  const out: Buffer[] = [];
  let prev: Buffer | undefined;
  for (const { l } of indexed) {
    if (unique && prev && compare(prev, l) === 0) continue;
    out.push(l, Buffer.from([eol]));
    prev = l;
  }
  const data = Buffer.concat(out);
  if (output !== undefined) return writeOutput(ctx, output, data);
  ctx.stdout(data);
  return 0;
};

function writeOutput(ctx: AppletContext, file: string, data: Buffer): number {
  try {
    ctx.fs.writeFile(ctx.resolve(file), data);
    return 0;
  } catch (e) {
    ctx.stderr(ctx.flavour === "gnu" ? `sort: open failed: ${file}: ${(e as Error).message}\n` : `sort: can't open '${file}': ${(e as Error).message}\n`);
    return 2;
  }
}

/** coreutils' -m: each file's lines as they are, merged; on a tie the earlier file's line first. */
function mergeRuns<T>(items: T[], bounds: number[], cmp: (a: T, b: T) => number): T[] {
  const pos = bounds.slice(0, -1);
  const out: T[] = [];
  for (;;) {
    let best = -1;
    for (let f = 0; f < pos.length; f++) {
      if (pos[f] >= bounds[f + 1]) continue;
      if (best < 0 || cmp(items[pos[f]], items[pos[best]]) < 0) best = f;
    }
    if (best < 0) return out;
    out.push(items[pos[best]++]);
  }
}
