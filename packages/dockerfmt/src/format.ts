/**
 * The words and numbers Docker's CLI prints for images (go-units, text/tabwriter, and the
 * small part of Go templates that `--format` flags use). Shared by the CLI's image commands.
 */

/** strconv.FormatFloat(x, 'g', prec, 64). */
export function goFormatG(x: number, prec: number): string {
  if (x === 0) return "0";
  const neg = x < 0;
  const [mant, expPart] = Math.abs(x).toExponential(prec - 1).split("e");
  const digits = mant.replace(".", "").replace(/0+$/, "") || "0";
  const nd = digits.length;
  const dp = Number(expPart) + 1;
  let eprec = prec;
  if (eprec > nd && nd >= dp) eprec = nd;
  const exp = dp - 1;
  let out: string;
  if (exp < -4 || exp >= eprec) {
    const frac = digits.slice(1);
    const e = Math.abs(exp);
    out = digits[0] + (frac ? "." + frac : "") + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" + e : String(e));
  } else if (dp <= 0) {
    out = "0." + "0".repeat(-dp) + digits;
  } else if (dp >= nd) {
    out = digits + "0".repeat(dp - nd);
  } else {
    out = digits.slice(0, dp) + "." + digits.slice(dp);
  }
  return (neg ? "-" : "") + out;
}

const DECIMAL_UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/** units.HumanSizeWithPrecision(size, precision): "1.98MB", "0B"; the build context line uses 4 ("3.584kB"). */
export function humanSize(bytes: number, precision = 3): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return goFormatG(size, precision) + DECIMAL_UNITS[i];
}

/** units.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3600000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3600000 / 24 / 365)} years`;
}

/** stringutils.Ellipsis: at most `max` characters, the last one "…" when cut. */
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  if (max <= 3) return chars.slice(0, max).join("");
  return chars.slice(0, max - 1).join("") + "…";
}

/**
 * text/tabwriter as Docker's formatter sets it up (minwidth 10, padding 3): every cell but a
 * line's last is padded to its column's width.
 */
export function tabwrite(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (let i = 0; i < row.length - 1; i++) widths[i] = Math.max(widths[i] ?? 0, Math.max([...row[i]].length + 3, 10));
  }
  return rows
    .map((row) => row.map((cell, i) => (i < row.length - 1 ? cell + " ".repeat(widths[i] - [...cell].length) : cell)).join("") + "\n")
    .join("");
}

/** A value printed the way Go's text/template prints it. */
function goPrint(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return "[" + v.map(goPrint).join(" ") + "]";
  if (typeof v === "object") {
    return "map[" + Object.keys(v as object).sort().map((k) => `${k}:${goPrint((v as Record<string, unknown>)[k])}`).join(" ") + "]";
  }
  return String(v);
}

/** Go's JSON for `{{json .X}}`: compact, HTML-safe. */
export function goJSONValue(v: unknown): string {
  return (JSON.stringify(v ?? null) as string).replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

export class TemplateError extends Error {}

/**
 * The `--format` subset: `{{.Field}}`, `{{.A.B}}`, `{{json .Field}}`, `{{json .}}`,
 * `{{upper .F}}`/`{{lower .F}}`, literal text, and `\t`/`\n` escapes as the docker CLI allows.
 */
export function renderTemplate(template: string, data: unknown): string {
  const text = template.replace(/\\t/g, "\t").replace(/\\n/g, "\n");
  return text.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_, expr: string) => {
    const m = /^(?:(json|upper|lower|println)\s+)?(\.[\w.]*)$/.exec(expr);
    if (!m) throw new TemplateError(`template: unsupported action {{${expr}}}`);
    const [, fn, path] = m;
    let v: unknown = data;
    for (const key of path.split(".").filter(Boolean)) {
      if (v === null || typeof v !== "object" || !(key in (v as object))) {
        throw new TemplateError(`template: can't evaluate field ${key}`);
      }
      v = (v as Record<string, unknown>)[key];
    }
    if (fn === "json") return goJSONValue(v);
    const s = goPrint(v);
    if (fn === "upper") return s.toUpperCase();
    if (fn === "lower") return s.toLowerCase();
    if (fn === "println") return s + "\n";
    return s;
  });
}

/** Go's json.Indent with 4 spaces over HTML-safe JSON, as `docker inspect` prints. */
export function goIndentJSON(v: unknown): string {
  return JSON.stringify(v, null, 4).replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/**
 * Docker's formatter: a `table …` format gets a header row (each field's header) and is
 * aligned by tabwriter; any other format prints one rendered line per row.
 */
export function renderRows(format: string, rows: Array<Record<string, unknown>>, headers: Record<string, string>): string {
  const table = /^table(\s|$)/.test(format);
  const template = table ? format.replace(/^table\s*/, "") : format;
  if (!table) return rows.map((r) => renderTemplate(template, r) + "\n").join("");
  const headerRow = template.replace(/\{\{-?\s*(?:json\s+)?\.(\w+)\s*-?\}\}/g, (_, f: string) => headers[f] ?? f.toUpperCase());
  const lines = [renderTemplate(headerRow, {}), ...rows.map((r) => renderTemplate(template, r))];
  return tabwrite(lines.map((l) => l.split("\t")));
}
