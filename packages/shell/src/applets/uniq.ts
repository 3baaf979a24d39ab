import type { Applet } from "./applet.js";
import { readOperand } from "./input.js";

/** uniq [-cdui] [-f N] [-s N] [-w N] [INPUT [OUTPUT]]: adjacent duplicates, bytes compared. */
export const uniq: Applet = (ctx) => {
  const gnu = ctx.flavour === "gnu";
  let countLines = false;
  let dupOnly = false;
  let uniqOnly = false;
  let fold = false;
  let skipFields = 0;
  let skipChars = 0;
  let width = Number.POSITIVE_INFINITY;
  const files: string[] = [];
  const args = ctx.args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = a.match(/^-([fsw])(.*)$/) ?? a.match(/^--(skip-fields|skip-chars|check-chars)=(.*)$/);
    if (m) {
      const v = Number(m[2] !== "" ? m[2] : args[++i]);
      const k = m[1][0] === "c" ? "w" : m[1][0];
      if (k === "f") skipFields = v;
      else if (k === "s") skipChars = v;
      else width = v;
    } else if (a === "--count") countLines = true;
    else if (a === "--repeated") dupOnly = true;
    else if (a === "--unique") uniqOnly = true;
    else if (a === "--ignore-case") fold = true;
    else if (/^-[cdui]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === "c") countLines = true;
        else if (c === "d") dupOnly = true;
        else if (c === "u") uniqOnly = true;
        else fold = true;
      }
    } else if (a.startsWith("-") && a !== "-") {
      ctx.stderr(`uniq: invalid option -- '${a.slice(1)}'\n`);
      return 1;
    } else files.push(a);
  }
  const data = readOperand(ctx, "uniq", files[0] ?? "-");
  if (data === undefined) return 1;
  const text = data.toString("latin1");
  const lines = text.split("\n");
  if (text.endsWith("\n") || text === "") lines.pop();
  const key = (l: string): string => {
    let s = l;
    for (let f = 0; f < skipFields; f++) s = s.replace(/^[ \t]*[^ \t]*/, "");
    s = s.slice(skipChars);
    if (Number.isFinite(width)) s = s.slice(0, width);
    return fold ? s.toLowerCase() : s;
  };
  let out = "";
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    while (j < lines.length && key(lines[j]) === key(lines[i])) j++;
    const n = j - i;
    if (!(dupOnly && n < 2) && !(uniqOnly && n > 1)) out += `${countLines ? `${String(n).padStart(7)} ` : ""}${lines[i]}\n`;
    i = j;
  }
  const bytes = Buffer.from(out, "latin1");
  if (files[1] !== undefined && files[1] !== "-") ctx.fs.writeFile(ctx.resolve(files[1]), bytes);
  else ctx.stdout(bytes);
  void gnu;
  return 0;
};
