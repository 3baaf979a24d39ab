import { describeError } from "../util/errors.js";
import { type Applet, fail } from "./applet.js";
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
  let headers: boolean | undefined;
  const files: string[] = [];
  const args = ctx.args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let m: RegExpMatchArray | null;
    if (a === "--") {
      files.push(...args.slice(i + 1));
      break;
    } else if ((m = a.match(/^-(n|c)(.*)$/)) || (m = a.match(/^--(lines|bytes)=(.*)$/))) {
      const v = m[2] !== "" ? m[2] : args[++i];
      const n = v === undefined ? undefined : parseSize(v);
      if (n === undefined) return fail(ctx, "head", `invalid number '${v ?? ""}'`);
      if (m[1].startsWith("n") || m[1] === "lines") {
        lines = n;
        bytes = undefined;
      } else {
        bytes = n;
        lines = undefined;
      }
    } else if ((m = a.match(/^-(\d+)$/))) {
      lines = Number(m[1]);
      bytes = undefined;
    } else if (a === "-q") headers = false;
    else if (a === "-v") headers = true;
    else if (a.startsWith("-") && a !== "-") return fail(ctx, "head", `invalid option -- '${a.slice(1)}'`);
    else files.push(a);
  }
  if (files.length === 0) files.push("-");
  const showHeaders = headers ?? files.length > 1;
  let status = 0;
  files.forEach((f, idx) => {
    try {
      let out: Buffer;
      if (f === "-") out = take(ctx.stdin, lines, bytes);
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
