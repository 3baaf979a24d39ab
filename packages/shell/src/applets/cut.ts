import type { Applet, AppletContext } from "./applet.js";
import { forEachOperand } from "./input.js";

type Range = [number, number];

function parseList(spec: string): Range[] | undefined {
  const out: Range[] = [];
  for (const part of spec.split(/[ ,]/)) {
    const m = part.match(/^(\d*)(-?)(\d*)$/);
    if (!m || (m[1] === "" && m[3] === "") || (!m[2] && m[3] !== "")) return undefined;
    const lo = m[1] === "" ? 1 : Number(m[1]);
    const hi = m[2] ? (m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3])) : lo;
    if (lo < 1 || hi < lo) return undefined;
    out.push([lo, hi]);
  }
  return out;
}

function selected(ranges: Range[], n: number, complement: boolean): boolean {
  const hit = ranges.some(([lo, hi]) => n >= lo && n <= hi);
  return complement ? !hit : hit;
}

/**
 * cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [--complement] [--output-delimiter S] [FILE]...
 * in the C locale (characters are bytes). A line without the delimiter is printed whole
 * unless -s.
 */
export const cut: Applet = (ctx: AppletContext) => {
  const gnu = ctx.flavour === "gnu";
  let mode: "b" | "f" | undefined;
  let list: string | undefined;
  let delim = "\t";
  let only = false;
  let complement = false;
  let outDelim: string | undefined;
  const files: string[] = [];
  const args = ctx.args;
  const usage = (msg: string) => {
    ctx.stderr(`cut: ${msg}\n${gnu ? "Try 'cut --help' for more information.\n" : ""}`);
    return 1;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--") && gnu) {
      const [n, v] = a.slice(2).split(/=(.*)/s, 2);
      const val = () => (v !== undefined ? v : args[++i]);
      if (n === "complement") complement = true;
      else if (n === "only-delimited") only = true;
      else if (n === "output-delimiter") outDelim = val();
      else if (n === "delimiter") delim = val() ?? "";
      else if (n === "bytes" || n === "characters" || n === "fields") {
        mode = n === "fields" ? "f" : "b";
        list = val();
      } else return usage(`unrecognized option '${a}'`);
      continue;
    }
    if (a.length > 1 && a.startsWith("-")) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if ("bcfd".includes(c)) {
          const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
          if (v === undefined) return usage(`option requires an argument -- '${c}'`);
          if (c === "d") delim = v;
          else {
            mode = c === "f" ? "f" : "b";
            list = v;
          }
          break;
        }
        if (c === "s") only = true;
        else if (c === "n") continue;
        else return usage(`invalid option -- '${c}'`);
      }
      continue;
    }
    files.push(a);
  }
  if (!mode || list === undefined) return usage(gnu ? "you must specify a list of bytes, characters, or fields" : "expected a list of bytes, characters, or fields");
  if (Buffer.from(delim).length !== 1) return usage(gnu ? "the delimiter must be a single character" : "the delimiter must be a single character");
  const ranges = parseList(list);
  if (!ranges) {
    ctx.stderr(gnu ? `cut: invalid field value '${list}'\nTry 'cut --help' for more information.\n` : `cut: invalid range\n`);
    return 1;
  }
  return forEachOperand(ctx, "cut", files.length ? files : ["-"], (data) => {
    const text = data.toString("latin1");
    const lines = text.split("\n");
    const trailing = text.endsWith("\n");
    if (trailing) lines.pop();
    if (text === "") return;
    const out: string[] = [];
    for (const line of lines) {
      if (mode === "b") {
        let s = "";
        let prevSel = false;
        for (let k = 0; k < line.length; k++) {
          const sel = selected(ranges, k + 1, complement);
          if (sel && outDelim !== undefined && s !== "" && !prevSel) s += outDelim;
          if (sel) s += line[k];
          prevSel = sel;
        }
        out.push(s);
      } else {
        const d = Buffer.from(delim).toString("latin1");
        if (!line.includes(d)) {
          // busybox's -s still prints an empty line.
          if (!only || (line === "" && !gnu)) out.push(line);
          continue;
        }
        const fields = line.split(d);
        if (gnu || complement) {
          out.push(fields.filter((_, k) => selected(ranges, k + 1, complement)).join(outDelim ?? d));
          continue;
        }
        // busybox walks the list: a selected field past the end still gets its delimiter.
        const wanted = new Set<number>();
        for (const [lo, hi] of ranges) for (let n = lo; n <= Math.min(hi, Math.max(lo, fields.length)); n++) wanted.add(n);
        let s = "";
        let printed = false;
        for (const n of [...wanted].sort((x, y) => x - y)) {
          if (printed) s += d;
          if (n <= fields.length) s += fields[n - 1];
          printed = true;
        }
        out.push(s);
      }
    }
    ctx.stdout(Buffer.from(out.map((l) => `${l}\n`).join(""), "latin1"));
  });
};
