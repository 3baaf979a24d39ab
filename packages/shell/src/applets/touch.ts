import { gnuQuoteAlways } from "./input.js";
import { describeError, errorCode } from "../util/errors.js";
import { type Applet, fail } from "./applet.js";
import { appletOptions } from "./options.js";

/**
 * The dates `touch -d` accepts (as busybox and the common GNU spellings): "@EPOCH",
 * "YYYY-MM-DD[ T]hh:mm[:ss[.frac]][Z|±hh[:]mm]", "YYYY-MM-DD", "hh:mm[:ss]" (today), and
 * "YYYYMMDDhhmm[.ss]". Without a zone the time is UTC, the container's default timezone.
 */
export function parseDate(text: string, now: Date, opts?: { busybox?: boolean }): Date | undefined {
  const s = text.trim();
  let m = s.match(/^@(-?\d+(?:\.\d+)?)$/);
  if (m) return new Date(Number(m[1]) * 1000);
  m = s.match(/^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i);
  if (m) {
    // Without a time busybox keeps the current time of day; coreutils takes midnight.
    const keepTime = m[4] === undefined && opts?.busybox;
    const [, y, mo, d, h = keepTime ? String(now.getUTCHours()) : "0", mi = keepTime ? String(now.getUTCMinutes()) : "0", sec = keepTime ? String(now.getUTCSeconds()) : "0", frac = "", zone] = m;
    const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec, frac ? Math.round(Number(frac) * 1000) : 0);
    return new Date(ms - zoneOffsetMs(zone));
  }
  m = s.match(/^(\d{1,2}):(\d{2})(?::(\d{2}))?$/);
  if (m) {
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), +m[1], +m[2], +(m[3] ?? 0)));
  }
  m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{2}))?$/);
  if (m) return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0)));
  const parsed = Date.parse(s);
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || /^(Z|UTC)$/i.test(zone)) return 0;
  const m = zone.match(/^([+-])(\d{2}):?(\d{2})$/) as RegExpMatchArray;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return (m[1] === "-" ? -1 : 1) * minutes * 60_000;
}

/** -t [[CC]YY]MMDDhhmm[.ss] */
function parseStamp(s: string, now: Date): Date | undefined {
  const m = s.match(/^(\d{2}|\d{4})?(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{2}))?$/);
  if (!m) return undefined;
  let year = now.getUTCFullYear();
  if (m[1]?.length === 4) year = +m[1];
  else if (m[1]) year = +m[1] < 69 ? 2000 + +m[1] : 1900 + +m[1];
  return new Date(Date.UTC(year, +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0)));
}

/** touch [-c] [-d DATE | -t STAMP | -r FILE] [-amh] FILE... */
export const touch: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "touch", {
    flags: "camhf",
    values: "dtr",
    long: { "no-create": "c", "date=": "d", "reference=": "r", "no-dereference": "h" },
  });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  if (operands.length === 0) return fail(ctx, "touch", "missing file operand");
  const now = ctx.now();
  let when = now;
  if (typeof opts.get("d") === "string") {
    const d = parseDate(opts.get("d") as string, now, { busybox: ctx.flavour === "busybox" });
    if (!d) return fail(ctx, "touch", `invalid date '${opts.get("d")}'`);
    when = d;
  } else if (typeof opts.get("t") === "string") {
    const d = parseStamp(opts.get("t") as string, now);
    if (!d) return fail(ctx, "touch", `invalid date '${opts.get("t")}'`);
    when = d;
  } else if (typeof opts.get("r") === "string") {
    try {
      when = ctx.fs.stat(ctx.resolve(opts.get("r") as string)).mtime;
    } catch (e) {
      return fail(ctx, "touch", `${opts.get("r")}: ${describeError(e)}`);
    }
  }
  let status = 0;
  if (ctx.flavour === "gnu" && opts.has("h")) {
    const missing = operands.find((o) => !ctx.fs.tryLstat(ctx.resolve(o)));
    if (missing !== undefined) return fail(ctx, "touch", `setting times of ${gnuQuoteAlways(missing)}: No such file or directory`);
  }
  for (const operand of operands) {
    // coreutils' touch takes "-" for its standard output.
    if (operand === "-" && ctx.flavour === "gnu") continue;
    const path = ctx.resolve(operand);
    try {
      // -h: the link's own times (lutimes), as busybox and coreutils do; a link is never created through.
      const noFollow = opts.has("h");
      if (!(noFollow ? ctx.fs.tryLstat(path) : ctx.fs.tryStat(path))) {
        if (opts.has("c")) continue;
        ctx.fs.writeFile(path, Buffer.alloc(0));
      }
      ctx.fs.utimes(path, when, when, { noFollow });
    } catch (e) {
      if (opts.has("c") && errorCode(e) === "ENOENT") continue;
      ctx.stderr(`touch: ${operand}: ${describeError(e)}\n`);
      status = 1;
    }
  }
  return status;
};
