import { describeError } from "../util/errors.js";
import type { AppletContext } from "./applet.js";

/** An operand's bytes, "-" being stdin; throws as readFile does. */
export function readInput(ctx: AppletContext, file: string): Buffer {
  return file === "-" ? ctx.stdin : ctx.fs.readFile(ctx.resolve(file));
}

/**
 * Read an operand ("-" is stdin). On failure print the flavour's message and return
 * undefined: GNU says `NAME: FILE: No such file or directory`, busybox
 * `NAME: can't open 'FILE': No such file or directory`.
 */
export function readOperand(ctx: AppletContext, name: string, file: string, busyboxStyle: "open" | "plain" = "open"): Buffer | undefined {
  if (file === "-") return ctx.stdin;
  try {
    const p = ctx.resolve(file);
    if (ctx.fs.tryStat(p)?.type === "dir") {
      const err = Object.assign(new Error("EISDIR"), { code: "EISDIR" });
      throw err;
    }
    return ctx.fs.readFile(p);
  } catch (e) {
    ctx.stderr(openError(ctx, name, file, e, busyboxStyle));
    return undefined;
  }
}

/**
 * An operand's bytes as buffers in order, for the applets that stream (sha256sum, cp): a file of
 * any size, a zero placeholder larger than one Buffer included. Failures as readOperand.
 */
export function readOperandChunks(ctx: AppletContext, name: string, file: string): Iterable<Buffer> | undefined {
  if (file === "-") return [ctx.stdin];
  try {
    const p = ctx.resolve(file);
    if (ctx.fs.tryStat(p)?.type === "dir") throw Object.assign(new Error("EISDIR"), { code: "EISDIR" });
    return ctx.fs.readChunks(p);
  } catch (e) {
    ctx.stderr(openError(ctx, name, file, e));
    return undefined;
  }
}

/** Read each operand in turn for `use`; one that cannot be read is reported and makes the status 1. */
export function forEachOperand(ctx: AppletContext, name: string, files: string[], use: (data: Buffer, file: string) => void): number {
  let status = 0;
  for (const f of files) {
    const data = readOperand(ctx, name, f);
    if (data === undefined) status = 1;
    else use(data, f);
  }
  return status;
}

/** busybox words it per applet: `can't open 'F': ...` (xfopen) or `F: ...` (perror of the name). */
export function openError(ctx: AppletContext, name: string, file: string, e: unknown, busyboxStyle: "open" | "plain" = "open"): string {
  if (ctx.flavour === "busybox") {
    if ((e as { code?: string }).code === "EISDIR") return `${name}: read error: Is a directory\n`;
    if (busyboxStyle === "plain") return `${name}: ${file}: ${describeError(e)}\n`;
    return `${name}: can't open '${file}': ${describeError(e)}\n`;
  }
  return `${name}: ${gnuQuote(file)}: ${describeError(e)}\n`;
}

/**
 * coreutils' quoting of a file name in messages (quotearg's shell-escape-always style as
 * used by `quotef`): plain names stay bare, others are single-quoted.
 */
export function gnuQuote(name: string): string {
  if (name !== "" && /^[A-Za-z0-9_./,:@%+=^-]+$/.test(name) && !name.startsWith("~")) return name;
  // The C locale: bytes outside printable ASCII are shown as $'\ooo'.
  if (/[^\x20-\x7e]/.test(name)) return gnuShellEscape(name);
  if (!name.includes("'")) return `'${name}'`;
  return `"${name.replace(/(["\\$`])/g, "\\$1")}"`;
}

/** coreutils' `quote()`: always single-quoted (as in "cannot access 'x'"). */
export function gnuQuoteAlways(name: string): string {
  if (/[^\x20-\x7e]/.test(name)) return gnuShellEscape(name);
  return name.includes("'") ? gnuQuote(name) : `'${name}'`;
}

/**
 * coreutils' shell-escape quoting in the C locale (xargs -t, ls on a terminal): safe words
 * bare, others in single quotes, bytes that are not printable ASCII as $'\ooo'.
 */
export function gnuShellEscape(arg: string): string {
  const bytes = Buffer.from(arg, "utf8");
  const printable = (b: number) => b >= 0x20 && b < 0x7f;
  if (bytes.length && /^[A-Za-z0-9_+,./:=@%^-]+$/.test(arg) && !arg.startsWith("~")) return arg;
  let out = "'";
  let inQuote = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (printable(b)) {
      if (!inQuote) {
        out += "'";
        inQuote = true;
      }
      out += b === 0x27 ? "'\\''" : String.fromCharCode(b);
    } else {
      if (inQuote) out += "'";
      out += "$'";
      while (i < bytes.length && !printable(bytes[i])) out += `\\${bytes[i++].toString(8).padStart(3, "0")}`;
      i--;
      out += "'";
      inQuote = false;
    }
  }
  return inQuote ? `${out}'` : out;
}
