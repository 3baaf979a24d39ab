import type { Applet } from "./applet.js";
import { readOperand } from "./input.js";
import { appletOptions } from "./options.js";

/**
 * How much `yes` writes. A pipe would stop it with SIGPIPE once the reader is done; in the
 * sandbox a pipeline's stages run one after the other, so it writes a bounded amount, far
 * more than any `yes | cmd` of a build reads.
 */
export const YES_LIMIT = 64 * 1024;

/** yes [STRING]...: the line repeated until the reader stops (see YES_LIMIT). */
export const yes: Applet = (ctx) => {
  const args = ctx.flavour === "gnu" && ctx.args[0] === "--" ? ctx.args.slice(1) : ctx.args;
  const line = Buffer.from(`${args.length ? args.join(" ") : "y"}\n`);
  const count = Math.max(1, Math.floor(YES_LIMIT / line.length));
  ctx.stdout(Buffer.alloc(line.length * count, line));
  return 0;
};

interface Counts {
  lines: number;
  words: number;
  chars: number;
  bytes: number;
  longest: number;
}

function count(data: Buffer, wantChars: boolean): Counts {
  let lines = 0;
  let words = 0;
  let inWord = false;
  let longest = 0;
  let col = 0;
  for (const c of data) {
    if (c === 0x0a) {
      lines++;
      if (col > longest) longest = col;
      col = 0;
    } else if (c === 0x09) col = col + 8 - (col % 8);
    else if (c >= 0x20 && c < 0x7f) col++;
    // C locale: words are separated by space characters; every other byte is part of a word.
    const space = c === 0x20 || (c >= 0x09 && c <= 0x0d);
    if (space) inWord = false;
    else if (!inWord) {
      inWord = true;
      words++;
    }
  }
  if (col > longest) longest = col;
  // UTF-8 characters: bytes that are not continuation bytes (C locale counts bytes, see below).
  let chars = data.length;
  if (wantChars) chars = data.length;
  return { lines, words, chars, bytes: data.length, longest };
}

/** Whether a file operand opens for reading (an empty ranged read checks permissions). */
function readable(ctx: Parameters<Applet>[0], f: string): boolean {
  try {
    ctx.fs.readRange(ctx.resolve(f), 0, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * wc [-lwcmL] [FILE]...: counts in the C locale (the container's, no LANG set), so -m counts
 * bytes. Column widths: busybox pads every number to 9 columns except for a lone count of
 * stdin; GNU pads to the width of the total byte count of the regular files given (at least
 * 7 when reading stdin or something of unknown size), 1 for a single count.
 */
export const wc: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "wc", {
    flags: "lwcmL",
    long: ctx.flavour === "gnu" ? { lines: "l", words: "w", bytes: "c", chars: "m", "max-line-length": "L" } : undefined,
  }, { tryHelp: ctx.flavour === "gnu" });
  if (typeof parsed === "number") return parsed;
  const { opts } = parsed;
  const files = parsed.operands.length ? parsed.operands : ["-"];
  const sel = { l: opts.has("l"), w: opts.has("w"), c: opts.has("c"), m: opts.has("m"), L: opts.has("L") };
  if (!sel.l && !sel.w && !sel.c && !sel.m && !sel.L) Object.assign(sel, { l: true, w: true, c: true });
  const order: Array<[keyof typeof sel, keyof Counts]> = [["l", "lines"], ["w", "words"], ["m", "chars"], ["c", "bytes"], ["L", "longest"]];
  const cols = order.filter(([k]) => sel[k]);
  const results: Array<{ name: string; counts?: Counts }> = [];
  let status = 0;
  let sizeKnown = true;
  let totalBytes = 0;
  for (const f of files) {
    // A directory is reported and counted as empty, by both.
    if (f !== "-" && ctx.fs.tryStat(ctx.resolve(f))?.type === "dir") {
      ctx.stderr(`wc: ${f}: Is a directory\n`);
      status = 1;
      results.push({ name: f, counts: count(Buffer.alloc(0), false) });
      sizeKnown = false;
      continue;
    }
    // -c alone on a regular file is its size (coreutils and busybox fstat it), whatever its size.
    const st = f !== "-" && sel.c && !sel.l && !sel.w && !sel.m && !sel.L ? ctx.fs.tryStat(ctx.resolve(f)) : undefined;
    if (st?.type === "file" && !st.virtual && readable(ctx, f)) {
      totalBytes += st.size;
      results.push({ name: f, counts: { lines: 0, words: 0, chars: 0, bytes: st.size, longest: 0 } });
      continue;
    }
    const data = readOperand(ctx, "wc", f, "plain");
    if (data === undefined) {
      status = 1;
      results.push({ name: f });
      continue;
    }
    if (f === "-") sizeKnown = false;
    else totalBytes += data.length;
    results.push({ name: f, counts: count(data, sel.m) });
  }
  const total: Counts = { lines: 0, words: 0, chars: 0, bytes: 0, longest: 0 };
  for (const r of results) {
    if (!r.counts) continue;
    for (const k of ["lines", "words", "chars", "bytes"] as const) total[k] += r.counts[k];
    total.longest = Math.max(total.longest, r.counts.longest);
  }
  const gnu = ctx.flavour === "gnu";
  let width: number;
  if (gnu) {
    width = cols.length === 1 && files.length === 1 ? 1 : Math.max(String(totalBytes).length, sizeKnown ? 1 : 7);
  } else width = cols.length === 1 && files.length === 1 ? 0 : 9;
  const line = (c: Counts, name: string | undefined): string => {
    const nums = cols.map(([, k]) => String(c[k]).padStart(width, " "));
    const body = gnu ? nums.join(" ") : nums.join(" ");
    return `${body}${name !== undefined && !(name === "-" && parsed.operands.length === 0) ? ` ${name}` : ""}\n`;
  };
  for (const r of results) if (r.counts) ctx.stdout(line(r.counts, r.name));
  if (files.length > 1) ctx.stdout(line(total, "total"));
  return status;
};
