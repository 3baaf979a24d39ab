import type { Applet, AppletContext } from "./applet.js";
import { forEachOperand } from "./input.js";
import { appletOptions } from "./options.js";

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
  const usage = (msg: string) => {
    ctx.stderr(`cut: ${msg}\n${gnu ? "Try 'cut --help' for more information.\n" : ""}`);
    return 1;
  };
  const parsed = appletOptions(ctx, "cut", {
    flags: "sn",
    values: "bcfd",
    long: gnu ? {
      complement: "complement", "only-delimited": "s", "output-delimiter=": "output-delimiter", "delimiter=": "d",
      "bytes=": "b", "characters=": "c", "fields=": "f",
    } : undefined,
  }, { tryHelp: gnu });
  if (typeof parsed === "number") return parsed;
  const { opts, order, operands: files } = parsed;
  // The last of -b, -c and -f decides (-c is -b in the C locale).
  const lastList = order.filter(([k]) => k === "b" || k === "c" || k === "f").at(-1);
  const mode = lastList && (lastList[0] === "f" ? "f" : "b");
  const list = lastList?.[1] as string | undefined;
  const delim = (opts.get("d") as string | undefined) ?? "\t";
  const only = opts.has("s");
  const complement = opts.has("complement");
  const outDelim = opts.get("output-delimiter") as string | undefined;
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
