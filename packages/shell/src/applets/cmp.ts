import { describeError } from "../util/errors.js";
import type { Applet } from "./applet.js";
import { readInput } from "./input.js";

/** cmp [-s] FILE1 [FILE2]: the first differing byte, in the flavour's words. */
export const cmp: Applet = (ctx) => {
  const gnu = ctx.flavour === "gnu";
  const silent = ctx.args.includes("-s") || ctx.args.includes("--quiet") || ctx.args.includes("--silent");
  const files = ctx.args.filter((a) => !a.startsWith("-") || a === "-");
  const [a, b = "-"] = files;
  if (a === undefined) {
    ctx.stderr(gnu ? "cmp: missing operand after 'cmp'\n" : "cmp: not enough arguments\n");
    return 2;
  }
  const read = (f: string): Buffer | undefined => {
    try {
      return readInput(ctx, f);
    } catch (e) {
      ctx.stderr(gnu ? `cmp: ${f}: ${describeError(e)}\n` : `cmp: can't open '${f}': ${describeError(e)}\n`);
      return undefined;
    }
  };
  const x = read(a);
  const y = read(b);
  if (!x || !y) return 2;
  let line = 1;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    if (x[i] !== y[i]) {
      if (!silent) ctx.stdout(`${a} ${b} differ: ${gnu ? "byte" : "char"} ${i + 1}, line ${line}\n`);
      return 1;
    }
    if (x[i] === 0x0a) line++;
  }
  if (x.length === y.length) return 0;
  if (!silent) {
    const shorter = x.length < y.length ? a : b;
    ctx.stderr(gnu ? `cmp: EOF on ${shorter} ${n === 0 ? "which is empty" : `after byte ${n}, line ${line - (n > 0 && (x.length < y.length ? x : y)[n - 1] === 0x0a ? 1 : 0)}`}\n` : `cmp: EOF on ${shorter}\n`);
  }
  return 1;
};
