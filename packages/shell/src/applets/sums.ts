import { createHash } from "node:crypto";
import type { Applet, AppletContext } from "./applet.js";
import { forEachOperand, gnuQuote, readInput, readOperandChunks } from "./input.js";
import { appletOptions } from "./options.js";

const ALGORITHMS: Record<string, string> = {
  md5sum: "md5", sha1sum: "sha1", sha224sum: "sha224", sha256sum: "sha256", sha384sum: "sha384", sha512sum: "sha512",
};

/** GNU escapes a name holding a backslash or newline and marks the line with a leading "\". */
function gnuLine(hash: string, name: string, binary: boolean): string {
  const escaped = /[\\\n\r]/.test(name);
  const n = escaped ? name.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : name;
  return `${escaped ? "\\" : ""}${hash} ${binary ? "*" : " "}${n}\n`;
}

/**
 * md5sum / sha1sum / sha224sum / sha256sum / sha384sum / sha512sum [-bt] [-c [--status|-s] [-w]] [FILE]...
 * in the flavour's formats and messages.
 */
function sumApplet(name: string): Applet {
  return (ctx) => {
    const gnu = ctx.flavour === "gnu";
    const parsed = appletOptions(ctx, name, {
      flags: gnu ? "bctwz" : "bctsw",
      long: gnu ? { binary: "b", check: "c", text: "t", warn: "w", status: "s", quiet: "q", strict: "S", zero: "z", tag: "T", "ignore-missing": "I" } : undefined,
    }, { tryHelp: gnu });
    if (typeof parsed === "number") return parsed;
    const { opts } = parsed;
    const files = parsed.operands.length ? parsed.operands : ["-"];
    const algo = ALGORITHMS[name];
    if (opts.has("c")) return check(ctx, name, algo, files, { status: opts.has("s"), quiet: opts.has("q"), warn: opts.has("w"), strict: opts.has("S") });
    let status = 0;
    for (const f of files) {
      const chunks = readOperandChunks(ctx, name, f);
      if (!chunks) {
        status = 1;
        continue;
      }
      const h = createHash(algo);
      for (const c of chunks) h.update(c);
      const hash = h.digest("hex");
      if (gnu && opts.has("T")) ctx.stdout(`${algo.toUpperCase()} (${f}) = ${hash}\n`);
      else if (gnu) ctx.stdout(gnuLine(hash, f, opts.has("b")));
      else ctx.stdout(`${hash}  ${f}\n`);
    }
    return status;
  };
}

interface CheckOptions {
  status: boolean;
  quiet: boolean;
  warn: boolean;
  strict: boolean;
}

function check(ctx: AppletContext, name: string, algo: string, lists: string[], o: CheckOptions): number {
  const gnu = ctx.flavour === "gnu";
  const hexLen = createHash(algo).digest("hex").length;
  let failed = 0;
  let unreadable = 0;
  let malformed = 0;
  let matched = 0;
  const status = forEachOperand(ctx, name, lists, (data, list) => {
    const lines = data.toString("latin1").split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    lines.forEach((raw, idx) => {
      let line = raw;
      let escaped = false;
      if (gnu && line.startsWith("\\")) {
        escaped = true;
        line = line.slice(1);
      }
      // busybox takes any first word as the sum (a short one just fails to match).
      const m = gnu ? line.match(new RegExp(`^([0-9a-fA-F]{${hexLen}}) [ *](.*)$`)) : line.match(/^(\S+) [ *]?(.*)$/);
      if (!m) {
        malformed++;
        if (o.warn) ctx.stderr(`${name}: ${list === "-" ? "standard input" : list}: ${idx + 1}: improperly formatted ${algo.toUpperCase()} checksum line\n`);
        return;
      }
      let file = Buffer.from(m[2], "latin1").toString("utf8");
      if (escaped) file = file.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : c));
      let content: Buffer | undefined;
      try {
        content = readInput(ctx, file);
      } catch (e) {
        unreadable++;
        if (gnu) {
          ctx.stderr(`${name}: ${gnuQuote(file)}: No such file or directory\n`);
          if (!o.status) ctx.stdout(`${file}: FAILED open or read\n`);
        } else {
          ctx.stderr(`${name}: can't open '${file}': No such file or directory\n`);
          if (!o.status) ctx.stdout(`${file}: FAILED\n`);
        }
        return;
      }
      const ok = createHash(algo).update(content).digest("hex") === m[1].toLowerCase();
      if (ok) matched++;
      else failed++;
      if (!o.status && !(ok && o.quiet)) ctx.stdout(`${file}: ${ok ? "OK" : "FAILED"}\n`);
    });
  });
  if (gnu) {
    if (matched + failed + unreadable === 0 && malformed > 0) {
      ctx.stderr(`${name}: ${lists[0] === "-" ? "'standard input'" : gnuQuote(lists[0])}: no properly formatted checksum lines found\n`);
      return 1;
    }
    if (!o.status) {
      if (malformed) ctx.stderr(`${name}: WARNING: ${malformed} line${malformed > 1 ? "s are" : " is"} improperly formatted\n`);
      if (unreadable) ctx.stderr(`${name}: WARNING: ${unreadable} listed file${unreadable > 1 ? "s" : ""} could not be read\n`);
      if (failed) ctx.stderr(`${name}: WARNING: ${failed} computed checksum${failed > 1 ? "s" : ""} did NOT match\n`);
    }
    return status || failed || unreadable || (o.strict && malformed) ? 1 : 0;
  }
  if (matched + failed + unreadable === 0) {
    ctx.stderr(`${name}: no checksum lines found\n`);
    return 1;
  }
  if (!o.status && (failed || unreadable)) ctx.stderr(`${name}: WARNING: ${failed + unreadable} of ${failed + unreadable + matched} computed checksums did NOT match\n`);
  return status || failed || unreadable ? 1 : 0;
}

export const md5sum = sumApplet("md5sum");
export const sha1sum = sumApplet("sha1sum");
export const sha224sum = sumApplet("sha224sum");
export const sha256sum = sumApplet("sha256sum");
export const sha384sum = sumApplet("sha384sum");
export const sha512sum = sumApplet("sha512sum");
