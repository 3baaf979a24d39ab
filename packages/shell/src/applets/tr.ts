import type { Applet } from "./applet.js";
import { appletOptions } from "./options.js";

const CLASSES: Record<string, (c: number) => boolean> = {
  alpha: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  digit: (c) => c >= 48 && c <= 57,
  alnum: (c) => CLASSES.alpha(c) || CLASSES.digit(c),
  upper: (c) => c >= 65 && c <= 90,
  lower: (c) => c >= 97 && c <= 122,
  space: (c) => c === 32 || (c >= 9 && c <= 13),
  blank: (c) => c === 32 || c === 9,
  punct: (c) => c > 32 && c < 127 && !CLASSES.alnum(c),
  print: (c) => c >= 32 && c < 127,
  graph: (c) => c > 32 && c < 127,
  cntrl: (c) => c < 32 || c === 127,
  xdigit: (c) => CLASSES.digit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102),
};

class TrError extends Error {}

/** Expand a tr set (escapes, ranges, classes, [c*n]) to bytes, in order. */
function expand(spec: string, allowRepeat: boolean): { bytes: number[]; fill?: { byte: number; at: number } } {
  const src = Buffer.from(spec, "utf8");
  const out: number[] = [];
  let fill: { byte: number; at: number } | undefined;
  let i = 0;
  const one = (): number => {
    const c = src[i++];
    if (c !== 0x5c || i >= src.length) return c;
    const n = src[i++];
    if (n >= 0x30 && n <= 0x37) {
      let v = n - 0x30;
      for (let k = 0; k < 2 && i < src.length && src[i] >= 0x30 && src[i] <= 0x37; k++) v = v * 8 + (src[i++] - 0x30);
      return v & 0xff;
    }
    const map: Record<number, number> = { 0x6e: 10, 0x74: 9, 0x72: 13, 0x61: 7, 0x62: 8, 0x66: 12, 0x76: 11, 0x5c: 0x5c };
    return map[n] ?? n;
  };
  while (i < src.length) {
    if (src[i] === 0x5b && src[i + 1] === 0x3a) {
      const end = src.indexOf(":]", i + 2);
      if (end > 0) {
        const name = src.subarray(i + 2, end).toString();
        const test = CLASSES[name];
        if (!test) throw new TrError(`invalid character class '${name}'`);
        for (let c = 0; c < 256; c++) if (test(c)) out.push(c);
        i = end + 2;
        continue;
      }
    }
    if (src[i] === 0x5b && src[i + 1] === 0x3d && src[i + 3] === 0x3d && src[i + 4] === 0x5d) {
      out.push(src[i + 2]);
      i += 5;
      continue;
    }
    if (allowRepeat && src[i] === 0x5b && i + 2 < src.length) {
      const save = i;
      i++;
      const c = one();
      if (src[i] === 0x2a) {
        const close = src.indexOf(0x5d, i);
        if (close > 0) {
          const num = src.subarray(i + 1, close).toString();
          i = close + 1;
          if (num === "" || /^0+$/.test(num)) fill = { byte: c, at: out.length };
          else for (let k = 0; k < (num.startsWith("0") ? parseInt(num, 8) : Number(num)); k++) out.push(c);
          continue;
        }
      }
      i = save;
    }
    const c = one();
    if (src[i] === 0x2d && i + 1 < src.length) {
      i++;
      const hi = one();
      if (hi < c) throw new TrError(`range-endpoints of '${String.fromCharCode(c)}-${String.fromCharCode(hi)}' are in reverse collating sequence order`);
      for (let k = c; k <= hi; k++) out.push(k);
      continue;
    }
    out.push(c);
  }
  return { bytes: out, fill };
}

/** tr [-cdst] SET1 [SET2]: bytes in, bytes out (the C locale of the container). */
export const tr: Applet = (ctx) => {
  const gnu = ctx.flavour === "gnu";
  const parsed = appletOptions(ctx, "tr", { flags: "cCdst", inOrder: true });
  if (typeof parsed === "number") return parsed;
  const { opts, operands: sets } = parsed;
  const complement = opts.has("c") || opts.has("C");
  const del = opts.has("d");
  const squeeze = opts.has("s");
  const truncate = opts.has("t");
  const missing = (del && !squeeze ? sets.length < 1 : squeeze && !del ? sets.length < 1 : sets.length < (del || squeeze ? 2 : 2));
  if (sets.length === 0 || (!del && !squeeze && sets.length < 2) || (del && squeeze && sets.length < 2) || missing) {
    ctx.stderr(gnu ? `tr: missing operand${sets.length ? ` after '${sets[sets.length - 1]}'` : ""}\nTry 'tr --help' for more information.\n` : "tr: missing operand\n");
    return 1;
  }
  let set1: number[];
  let set2: number[] = [];
  try {
    set1 = expand(sets[0], false).bytes;
    if (sets[1] !== undefined) {
      const e = expand(sets[1], true);
      set2 = e.bytes;
      if (e.fill) {
        const need = Math.max(0, (complement ? 256 - new Set(set1).size : set1.length) - set2.length);
        set2.splice(e.fill.at, 0, ...Array(need).fill(e.fill.byte));
      }
    }
  } catch (e) {
    if (!(e instanceof TrError)) throw e;
    ctx.stderr(`tr: ${e.message}\n`);
    return 1;
  }
  if (complement) {
    const inSet = new Set(set1);
    set1 = [];
    for (let c = 0; c < 256; c++) if (!inSet.has(c)) set1.push(c);
  }
  const map = new Int16Array(256).fill(-1);
  const translating = !del && sets.length >= 2;
  if (translating) {
    if (truncate) set1 = set1.slice(0, set2.length);
    if (set2.length === 0) {
      ctx.stderr("tr: when not truncating set1, string2 must be non-empty\n");
      return 1;
    }
    for (let k = 0; k < set1.length; k++) map[set1[k]] = set2[Math.min(k, set2.length - 1)];
  }
  const delSet = new Uint8Array(256);
  if (del) for (const c of set1) delSet[c] = 1;
  const squeezeSet = new Uint8Array(256);
  if (squeeze) for (const c of del || translating ? set2 : set1) squeezeSet[c] = 1;
  const out: number[] = [];
  let last = -1;
  for (const b of ctx.stdin) {
    if (delSet[b]) continue;
    const c = translating && map[b] >= 0 ? map[b] : b;
    if (squeeze && squeezeSet[c] && c === last) continue;
    out.push(c);
    last = c;
  }
  ctx.stdout(Buffer.from(out));
  return 0;
};
