import { describeError } from "../util/errors.js";
import { type Applet, type AppletContext, fail } from "./applet.js";
import { readInput } from "./input.js";
import { parseSize } from "./size.js";

/** How much of an endless device a line-oriented head may read before giving up. */
const ENDLESS_LINE_LIMIT = 16 * 1024 * 1024;

/**
 * head [-n N | -c N | -N] [-qv] [FILE]...: bounded reads, so `head -c 1000 /dev/zero` works
 * (the sandbox's devices are endless; a whole-file read of them could never finish).
 */
export const head: Applet = (ctx) => {
  let lines: number | undefined = 10;
  let bytes: number | undefined;
  // -n -N / -c -N: all but the last N (GNU, and busybox built with FANCY_HEAD as Debian and Alpine are).
  let allBut = false;
  const args = countArgs(ctx, "head", { longHeaders: false, ignored: [] }, (unit, v, obsolete) => {
    if (obsolete) {
      lines = Number(v);
      bytes = undefined;
      return undefined;
    }
    allBut = v !== undefined && v.startsWith("-");
    const text = allBut ? (v as string).slice(1) : v;
    const n = text === undefined ? undefined : parseSize(text);
    if (n === undefined) return fail(ctx, "head", `invalid number '${text ?? ""}'`);
    if (unit === "lines") {
      lines = n;
      bytes = undefined;
    } else {
      bytes = n;
      lines = undefined;
    }
    return undefined;
  });
  if (typeof args === "number") return args;
  const { headers, files } = args;
  if (files.length === 0) files.push("-");
  const showHeaders = headers ?? files.length > 1;
  let status = 0;
  files.forEach((f, idx) => {
    try {
      let out: Buffer;
      if (allBut) {
        const data = readInput(ctx, f);
        out = bytes !== undefined ? data.subarray(0, Math.max(0, data.length - bytes)) : dropLastLines(data, lines as number);
      } else if (f === "-") out = take(ctx.stdin, lines, bytes);
      else {
        const p = ctx.resolve(f);
        if (bytes !== undefined) out = ctx.fs.readUpTo(p, bytes);
        else if (ctx.fs.isEndless(p)) {
          out = take(ctx.fs.readUpTo(p, ENDLESS_LINE_LIMIT), lines, undefined);
          if (countNewlines(out) < (lines as number)) throw new Error(`${f}: no line ends in the first ${ENDLESS_LINE_LIMIT} bytes of an endless device`);
        } else out = take(ctx.fs.readFile(p), lines, undefined);
      }
      if (showHeaders) ctx.stdout(`${idx > 0 ? "\n" : ""}==> ${f === "-" ? "standard input" : f} <==\n`);
      ctx.stdout(out);
    } catch (e) {
      ctx.stderr(`head: ${e instanceof Error && e.message.includes("endless device") ? e.message : `${f}: ${describeError(e)}`}\n`);
      status = 1;
    }
  });
  return status;
};

function take(data: Buffer, lines: number | undefined, bytes: number | undefined): Buffer {
  if (bytes !== undefined) return data.subarray(0, bytes);
  if (lines === 0) return data.subarray(0, 0);
  let seen = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x0a && ++seen === lines) return data.subarray(0, i + 1);
  }
  return data;
}

function countNewlines(b: Buffer): number {
  let n = 0;
  for (const c of b) if (c === 0x0a) n++;
  return n;
}

function dropLastLines(data: Buffer, n: number): Buffer {
  const ends: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i] === 0x0a) ends.push(i + 1);
  if (data.length && data[data.length - 1] !== 0x0a) ends.push(data.length);
  const keep = ends.length - n;
  return keep <= 0 ? data.subarray(0, 0) : data.subarray(0, ends[keep - 1]);
}

/** The start of the last `n` lines (a final line without newline counts). */
function lastLines(data: Buffer, n: number): Buffer {
  if (n === 0) return data.subarray(data.length);
  let i = data.length;
  if (i > 0 && data[i - 1] === 0x0a) i--;
  let seen = 0;
  while (i > 0) {
    if (data[i - 1] === 0x0a && ++seen === n) return data.subarray(i);
    i--;
  }
  return data;
}

/** From line `n` on (1-based). */
function fromLine(data: Buffer, n: number): Buffer {
  let line = 1;
  for (let i = 0; i < data.length && line < n; i++) if (data[i] === 0x0a && ++line === n) return data.subarray(i + 1);
  return n <= 1 ? data : data.subarray(data.length);
}

/**
 * tail [-n [+]N | -c [+]N | -N] [-qvf] [FILE]...: the last lines or bytes, or everything from
 * line/byte N with "+N". -f cannot follow anything in a build: the file is printed once.
 */
export const tail: Applet = (ctx) => {
  let mode = "lines" as "lines" | "bytes";
  let count = 10;
  let from = false;
  const args = countArgs(ctx, "tail", { longHeaders: true, ignored: ["-f", "-F", "--follow"] }, (unit, v, obsolete) => {
    if (obsolete) {
      count = Number(v);
      mode = "lines";
      from = false;
      return undefined;
    }
    const mm = v?.match(/^([+-]?)(.*)$/);
    const n = mm ? parseSize(mm[2]) : undefined;
    if (n === undefined || !mm) return fail(ctx, "tail", ctx.flavour === "gnu" ? `invalid number of ${unit}: '${v ?? ""}'` : `invalid number '${v ?? ""}'`);
    mode = unit;
    count = n;
    from = mm[1] === "+";
    return undefined;
  });
  if (typeof args === "number") return args;
  const { headers, files } = args;
  if (files.length === 0) files.push("-");
  // GNU tail has nothing to do for -n 0 / -c 0 and prints not even the headers.
  if (ctx.flavour === "gnu" && count === 0 && !from) return 0;
  const showHeaders = headers ?? files.length > 1;
  let status = 0;
  let first = true;
  for (const f of files) {
    let data: Buffer;
    try {
      data = (!from && endOfLargeFile(ctx, f, mode, count)) || readInput(ctx, f);
    } catch (e) {
      ctx.stderr(ctx.flavour === "gnu" ? `tail: cannot open '${f}' for reading: ${describeError(e)}\n` : `tail: can't open '${f}': ${describeError(e)}\n`);
      status = 1;
      continue;
    }
    let out: Buffer;
    if (mode === "bytes") out = from ? data.subarray(Math.max(0, count - 1)) : data.subarray(Math.max(0, data.length - count));
    else out = from ? fromLine(data, count) : lastLines(data, count);
    if (showHeaders) ctx.stdout(`${first ? "" : "\n"}==> ${f === "-" ? "standard input" : f} <==\n`);
    first = false;
    ctx.stdout(out);
  }
  return status;
};

/** Files past this size are read from their end by ranges (they may not fit one Buffer). */
const LARGE_FILE = 16 * 1024 * 1024;

/**
 * The end of a large regular file holding the last `count` bytes or lines, read by ranges that
 * double until enough newlines are in: `tail` of a multi-gigabyte file never reads it whole.
 * Undefined when the operand is not such a file.
 */
function endOfLargeFile(ctx: AppletContext, f: string, mode: "lines" | "bytes", count: number): Buffer | undefined {
  if (f === "-") return undefined;
  const p = ctx.resolve(f);
  const st = ctx.fs.tryStat(p);
  if (!st || st.virtual || st.type !== "file" || st.size <= LARGE_FILE) return undefined;
  if (mode === "bytes") return ctx.fs.readRange(p, Math.max(0, st.size - count), count);
  for (let want = 64 * 1024; ; want *= 2) {
    const start = Math.max(0, st.size - want);
    const data = ctx.fs.readRange(p, start, st.size - start);
    // count lines need count+1 newlines in view (the last byte's own newline ends the last line).
    if (start === 0 || countNewlines(data) > count) return data;
  }
}

/**
 * The arguments head and tail share: `-n N`, `-c N`, `--lines=N`, `--bytes=N` and the obsolete
 * `-N` go to `count` in order (it returns an exit status to stop at a bad number), -q and -v
 * (and with `longHeaders` --quiet, --silent, --verbose) choose the headers; `ignored` words are
 * taken and do nothing. Options and files may be mixed; "--" ends the options.
 */
function countArgs(
  ctx: AppletContext,
  name: string,
  o: { longHeaders: boolean; ignored: string[] },
  count: (unit: "lines" | "bytes", value: string | undefined, obsolete: boolean) => number | undefined,
): { headers?: boolean; files: string[] } | number {
  let headers: boolean | undefined;
  const files: string[] = [];
  const args = ctx.args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let m: RegExpMatchArray | null;
    let stop: number | undefined;
    if (a === "--") {
      files.push(...args.slice(i + 1));
      break;
    } else if ((m = a.match(/^-(n|c)(.*)$/)) || (m = a.match(/^--(lines|bytes)=(.*)$/))) {
      stop = count(m[1] === "n" || m[1] === "lines" ? "lines" : "bytes", m[2] !== "" ? m[2] : args[++i], false);
    } else if ((m = a.match(/^-(\d+)$/))) stop = count("lines", m[1], true);
    else if (a === "-q" || (o.longHeaders && (a === "--quiet" || a === "--silent"))) headers = false;
    else if (a === "-v" || (o.longHeaders && a === "--verbose")) headers = true;
    else if (o.ignored.includes(a)) continue;
    else if (a.startsWith("-") && a !== "-") return fail(ctx, name, `invalid option -- '${a.slice(1)}'`);
    else files.push(a);
    if (stop !== undefined) return stop;
  }
  return { headers, files };
}
