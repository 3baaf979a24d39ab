import type { Applet } from "./applet.js";
import { readOperand } from "./input.js";
import { appletOptions } from "./options.js";

/** uniq [-cdui] [-f N] [-s N] [-w N] [INPUT [OUTPUT]]: adjacent duplicates, bytes compared. */
export const uniq: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "uniq", {
    flags: "cdui",
    values: "fsw",
    long: { count: "c", repeated: "d", unique: "u", "ignore-case": "i", "skip-fields=": "f", "skip-chars=": "s", "check-chars=": "w" },
  });
  if (typeof parsed === "number") return parsed;
  const { opts, operands: files } = parsed;
  const countLines = opts.has("c");
  const dupOnly = opts.has("d");
  const uniqOnly = opts.has("u");
  const fold = opts.has("i");
  const skipFields = Number(opts.get("f") ?? 0);
  const skipChars = Number(opts.get("s") ?? 0);
  const width = Number(opts.get("w") ?? Number.POSITIVE_INFINITY);
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
  return 0;
};
