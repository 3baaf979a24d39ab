import { DEFAULT_PATH } from "../exec/dispatch.js";
import { searchPath } from "../exec/lookup.js";
import type { Applet, AppletContext } from "./applet.js";
import { gnuShellEscape } from "./input.js";

interface XargsOptions {
  maxArgs?: number;
  maxLines?: number;
  replace?: string;
  eof?: string;
  nul: boolean;
  delimiter?: string;
  noRunIfEmpty: boolean;
  trace: boolean;
  argFile?: string;
}

class UsageError extends Error {}

function parse(ctx: AppletContext): { o: XargsOptions; command: string[] } {
  const gnu = ctx.flavour === "gnu";
  const o: XargsOptions = { nul: false, noRunIfEmpty: false, trace: false };
  const args = ctx.args;
  let i = 0;
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !/^\d+$/.test(v) || n < 1) {
      throw new UsageError(gnu ? `xargs: value ${v ?? ""} for -${flag} option should be >= 1` : `xargs: invalid number '${v ?? ""}'`);
    }
    return n;
  };
  const longs: Record<string, string> = {
    "null": "0", "no-run-if-empty": "r", "verbose": "t", "max-args": "n=", "max-lines": "L=", "replace": "I=", "eof": "E=",
    "delimiter": "d=", "arg-file": "a=", "max-procs": "P=", "max-chars": "s=", "exit": "x", "interactive": "p",
  };
  for (; i < args.length; i++) {
    let a = args[i];
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    if (a.startsWith("--") && gnu) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const spec = longs[name];
      if (!spec) throw new UsageError(`xargs: unrecognized option '${a}'`);
      a = `-${spec[0]}`;
      if (spec.endsWith("=")) {
        const v = eq >= 0 ? args[i].slice(eq + 1) : args[++i];
        apply(spec[0], v);
      } else apply(spec[0], undefined);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if ((gnu ? "nLIEdasP" : "nIEasP").includes(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) throw new UsageError(`xargs: option requires an argument -- '${c}'`);
        apply(c, v);
        break;
      }
      // GNU's -i and -l take an optional attached argument.
      if (gnu && (c === "i" || c === "l")) {
        apply(c === "i" ? "I" : "L", c === "i" ? a.slice(j + 1) || "{}" : a.slice(j + 1) || "1");
        break;
      }
      if (!"0rtxp".includes(c) && !(c === "o" && !gnu)) throw new UsageError(`xargs: invalid option -- '${c}'`);
      apply(c, undefined);
    }
  }
  function apply(c: string, v: string | undefined): void {
    switch (c) {
      case "0": o.nul = true; break;
      case "r": o.noRunIfEmpty = true; break;
      case "t": o.trace = true; break;
      case "n": o.maxArgs = num("n", v); if (!gnu) o.maxLines = undefined; break;
      case "L": o.maxLines = num("L", v); break;
      case "I": o.replace = v; break;
      case "E": o.eof = v; break;
      case "d": o.delimiter = unescape(v ?? ""); break;
      case "a": o.argFile = v; break;
      case "s": case "P": num(c, v); break;
      default: break;
    }
  }
  return { o, command: args.slice(i) };
}

function unescape(d: string): string {
  const map: Record<string, string> = { n: "\n", t: "\t", "0": "\0", "\\": "\\" };
  return d.startsWith("\\") && d.length === 2 ? (map[d[1]] ?? d[1]) : d[0] ?? "";
}

/** One input line's items, with xargs' quoting: blanks separate, '...' "..." and \x group. */
function tokenize(text: string, eof: string | undefined, ctx: AppletContext): { lines: string[][]; error?: string } {
  const lines: string[][] = [];
  let cur: string[] = [];
  let tok = "";
  let has = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\n") return { lines, error: ctx.flavour === "gnu" ? `xargs: unmatched ${quote === "'" ? "single" : "double"} quote; by default quotes are special to xargs unless you use the -0 option` : "xargs: unmatched " + (quote === "'" ? "'" : '"') };
      else tok += c;
      continue;
    }
    if (c === "\\" && i + 1 < text.length) {
      tok += text[++i];
      has = true;
    } else if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === " " || c === "\t" || c === "\n") {
      if (has) {
        if (eof !== undefined && tok === eof) {
          if (cur.length) lines.push(cur);
          return { lines };
        }
        cur.push(tok);
      }
      tok = "";
      has = false;
      // A line ending in a blank continues on the next one (-L).
      if (c === "\n" && cur.length && !(i > 0 && (text[i - 1] === " " || text[i - 1] === "\t"))) {
        lines.push(cur);
        cur = [];
      }
    } else {
      tok += c;
      has = true;
    }
  }
  if (quote) return { lines, error: ctx.flavour === "gnu" ? `xargs: unmatched ${quote === "'" ? "single" : "double"} quote; by default quotes are special to xargs unless you use the -0 option` : "xargs: unmatched " + quote };
  if (has && !(eof !== undefined && tok === eof)) cur.push(tok);
  if (cur.length) lines.push(cur);
  return { lines };
}

/**
 * xargs [OPTIONS] [COMMAND [ARGS]...]: builds command lines from stdin and runs them,
 * as busybox and GNU findutils do (-0 -d -n -L -I -E -r -t -a; -P runs one at a time).
 */
export const xargs: Applet = async (ctx) => {
  let parsed;
  try {
    parsed = parse(ctx);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    ctx.stderr(`${e.message}\n`);
    if (ctx.flavour === "gnu") ctx.stderr("Try 'xargs --help' for more information.\n");
    return 1;
  }
  const { o } = parsed;
  const command = parsed.command.length ? parsed.command : ["echo"];
  let input: Buffer;
  if (o.argFile !== undefined) {
    try {
      input = ctx.fs.readFile(ctx.resolve(o.argFile));
    } catch {
      ctx.stderr(`xargs: cannot open input file '${o.argFile}': No such file or directory\n`);
      return 1;
    }
  } else input = ctx.stdin;
  const text = input.toString("utf8");

  // Items grouped in lines (a group is what -L and -I count).
  let groups: string[][];
  let inputError: string | undefined;
  if (o.nul || o.delimiter !== undefined) {
    const d = o.nul ? "\0" : (o.delimiter as string);
    const items = text.split(d);
    if (items[items.length - 1] === "") items.pop();
    groups = items.map((x) => [x]);
  } else if (o.replace !== undefined) {
    groups = [];
    for (const raw of text.split("\n")) {
      const line = raw.replace(/^[ \t]+/, "");
      if (line === "") continue;
      const t = tokenize(line, undefined, ctx);
      if (t.error) {
        inputError = t.error;
        break;
      }
      const item = ctx.flavour === "gnu" ? unquote(line) : line;
      if (o.eof !== undefined && item === o.eof) break;
      groups.push([item]);
    }
  } else {
    const t = tokenize(text, o.eof, ctx);
    groups = t.lines;
    inputError = t.error;
  }

  const runs: string[][] = [];
  if (o.replace !== undefined) {
    const r = o.replace;
    for (const [item] of groups) runs.push(command.map((a) => a.split(r).join(item)));
  } else if (o.maxLines !== undefined && o.maxArgs === undefined) {
    for (let i = 0; i < groups.length; i += o.maxLines) runs.push([...command, ...groups.slice(i, i + o.maxLines).flat()]);
  } else {
    const items = groups.flat();
    const per = o.maxArgs ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < items.length; i += per) runs.push([...command, ...items.slice(i, i + per)]);
  }
  if (runs.length === 0 && !o.noRunIfEmpty && !inputError && (o.replace === undefined)) runs.push([...command]);

  let status = 0;
  for (const argv of runs) {
    if (o.trace) ctx.stderr(`${(ctx.flavour === "gnu" ? argv.map(gnuShellEscape) : argv).join(" ")}\n`);
    // xargs execs the program itself: no shell says "not found".
    const found = argv[0].includes("/") ? ctx.fs.tryStat(ctx.resolve(argv[0])) : searchPath(ctx.fs, argv[0], ctx.env.PATH ?? DEFAULT_PATH, ctx.cwd);
    if (!found) {
      ctx.stderr(`xargs: ${argv[0]}: No such file or directory\n`);
      return 127;
    }
    const r = await ctx.exec(argv, ctx.env);
    ctx.stdout(r.stdout);
    if (r.stderr) ctx.stderr(r.stderr);
    if (r.exitCode === 255) {
      ctx.stderr(`xargs: ${argv[0]}: exited with status 255; aborting\n`);
      return 124;
    }
    if (r.exitCode === 126 || r.exitCode === 127) return r.exitCode;
    if (r.exitCode !== 0) status = 123;
  }
  if (inputError) {
    ctx.stderr(`${inputError}\n`);
    return 1;
  }
  return status;
};

/** GNU's -I line: quotes and backslashes are processed, blanks inside are kept. */
function unquote(line: string): string {
  let out = "";
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else out += c;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "\\" && i + 1 < line.length) out += line[++i];
    else out += c;
  }
  return out;
}
