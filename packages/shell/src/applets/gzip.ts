import { gunzipSync } from "node:zlib";
import { busyboxEngine, DeflateState, GNU_GZIP } from "@tsbuild/archive";
import { describeError } from "../util/errors.js";
import type { Applet, AppletContext } from "./applet.js";
import { busyboxBuild, gnuEnvOptions, gzipMember, TRY_HELP } from "./gzip-member.js";

interface GzOptions {
  stdout: boolean;
  decompress: boolean;
  force: boolean;
  keep: boolean;
  noName: boolean;
  /** GNU's -m: no time in the header (-n is -m plus no name). */
  noTime: boolean;
  quiet: boolean;
  test: boolean;
  verbose: boolean;
  level: number;
  /** Every -1..-9 given, in order: busybox does not simply take the last one. */
  levels: number[];
  suffix: string;
}

function parse(ctx: AppletContext, name: string): { o: GzOptions; files: string[] } | string {
  const gnu = ctx.flavour === "gnu";
  const o: GzOptions = {
    stdout: name === "zcat", decompress: name !== "gzip", force: false, keep: false, noName: false, noTime: false, quiet: false,
    test: false, verbose: false, level: 6, levels: [], suffix: ".gz",
  };
  const files: string[] = [];
  const longs: Record<string, string> = {
    stdout: "c", "to-stdout": "c", decompress: "d", uncompress: "d", force: "f", keep: "k", "no-name": "n", name: "N", "no-time": "m", time: "M",
    quiet: "q", test: "t", verbose: "v", fast: "1", best: "9", suffix: "S", recursive: "r", list: "l",
  };
  let args = ctx.args;
  if (gnu) {
    const fromEnv = gnuEnvOptions(ctx.env);
    if ("error" in fromEnv) return fromEnv.error.trimEnd();
    if (fromEnv.warning) ctx.stderr(fromEnv.warning);
    // $GZIP's options come first, so the command line overrides them.
    if (fromEnv.letters) args = [`-${fromEnv.letters}`, ...args];
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      files.push(...args.slice(i + 1));
      break;
    }
    let letters: string;
    if (a.startsWith("--")) {
      const [n, v] = a.slice(2).split("=", 2);
      const l = longs[n];
      if (!l) return gnu ? `gzip: unrecognized option '${a}'\n${TRY_HELP}` : `${name}: unrecognized option '${a}'`;
      if (l === "S") {
        o.suffix = v ?? args[++i] ?? "";
        continue;
      }
      letters = l;
    } else if (a.length > 1 && a.startsWith("-")) letters = a.slice(1);
    else {
      files.push(a);
      continue;
    }
    for (let j = 0; j < letters.length; j++) {
      const c = letters[j];
      if (c >= "1" && c <= "9") o.levels.push((o.level = Number(c)));
      else if (c === "c") o.stdout = true;
      else if (c === "d") o.decompress = true;
      else if (c === "f") o.force = true;
      else if (c === "k") o.keep = true;
      else if (c === "n" || (c === "N" && gnu)) o.noName = o.noTime = c === "n";
      else if ((c === "m" || c === "M") && gnu) o.noTime = c === "m";
      else if (c === "q") o.quiet = true;
      else if (c === "t") o.test = o.decompress = true;
      else if (c === "v") o.verbose = true;
      else if (c === "S") {
        o.suffix = letters.slice(j + 1) || args[++i] || "";
        break;
      } else return gnu ? `gzip: invalid option -- '${c}'\n${TRY_HELP}` : `${name}: invalid option -- '${c}'`;
    }
  }
  if (!gnu && o.levels.length) {
    // getopt32 sets a bit per digit and gzip_main takes the lowest one of 5-9 (else 4).
    const high = o.levels.filter((l) => l >= 5);
    o.level = high.length ? Math.min(...high) : 4;
  }
  return { o, files };
}

/** GNU's display_ratio: printf's "%5.1f%%", whose ties go to the even digit (toFixed's go up). */
function ratio(num: number, den: number): string {
  const x = den === 0 ? 0 : (100 * num) / den;
  const t = x * 10;
  let r = Math.round(t);
  if (Math.abs(t % 1) === 0.5) r = Math.floor(t) % 2 === 0 ? Math.floor(t) : Math.ceil(t);
  return `${(r / 10).toFixed(1).padStart(5)}%`;
}

/** The bytes of a member's header and trailer (GNU's header_bytes, for -v). */
function headerBytes(b: Buffer): number {
  const flags = b[3];
  let pos = 10;
  if (flags & 0x04) pos += 2 + (b[10] | (b[11] << 8));
  if (flags & 0x08) pos = b.indexOf(0, pos) + 1;
  if (flags & 0x10) pos = b.indexOf(0, pos) + 1;
  if (flags & 0x02) pos += 2;
  return pos + 8;
}

function decompress(data: Buffer): Buffer {
  return gunzipSync(data);
}

/** gzip / gunzip / zcat [-cdfkntqv1-9] [-S SUF] [FILE]...: the flavour's headers, messages and file handling. */
function gzipApplet(name: "gzip" | "gunzip" | "zcat"): Applet {
  return (ctx) => {
    const gnu = ctx.flavour === "gnu";
    const parsed = parse(ctx, name);
    if (typeof parsed === "string") {
      ctx.stderr(`${parsed}\n`);
      return 1;
    }
    const { o } = parsed;
    const files = parsed.files.length ? parsed.files : ["-"];
    const prog = gnu ? "gzip" : name;
    const build = gnu ? undefined : busyboxBuild(ctx.fs);
    // One process, one window: what a search reads past a file's end is the previous file's.
    const state = new DeflateState(build ? busyboxEngine(build.gzipFast) : GNU_GZIP);
    let status = 0;
    const warn = (msg: string, code: number) => {
      if (!o.quiet || code === 1) ctx.stderr(`${prog}: ${msg}\n`);
      if (code > status && !(status === 1)) status = code;
      if (code === 1) status = 1;
    };
    for (const operand of files) {
      let f = operand;
      if (f === "-") {
        const input = ctx.stdin;
        if (o.decompress) {
          try {
            const out = decompress(input);
            if (!o.test) ctx.stdout(out);
          } catch {
            warn(gnu ? "stdin: not in gzip format" : "invalid magic", 1);
          }
        } else {
          const out = gzipMember(input, { level: o.level, gnu, mtime: 0, build, state });
          ctx.stdout(out);
          if (gnu && o.verbose) ctx.stderr(`${ratio(input.length - (out.length - 18), input.length)}\n`);
        }
        continue;
      }
      let p = ctx.resolve(f);
      let node = ctx.fs.tryLstat(p);
      if (o.decompress && !node && !f.endsWith(o.suffix) && gnu && ctx.fs.tryLstat(`${p}${o.suffix}`)) {
        // GNU tries NAME.gz for a name without the suffix.
        f = `${f}${o.suffix}`;
        p = ctx.resolve(f);
        node = ctx.fs.tryLstat(p);
      }
      if (!node) {
        warn(`${f}: No such file or directory`, 1);
        continue;
      }
      if (node.type === "dir") {
        warn(gnu ? `${f} is a directory -- ignored` : `can't open '${f}': Is a directory`, gnu ? 2 : 1);
        continue;
      }
      if (node.type === "symlink" && !o.stdout && !o.force && gnu) {
        warn(`${f}: Too many levels of symbolic links`, 1);
        continue;
      }
      let input: Buffer;
      try {
        input = ctx.fs.readFile(p);
      } catch (e) {
        warn(`${f}: ${describeError(e)}`, 1);
        continue;
      }
      const st = ctx.fs.stat(p);
      let out: Buffer;
      let target: string;
      if (o.decompress) {
        if (!o.stdout && !o.test && !f.endsWith(o.suffix) && !(gnu && /\.(tgz|taz)$/.test(f))) {
          warn(gnu ? `${f}: unknown suffix -- ignored` : `${f}: unknown suffix - ignored`, gnu ? 2 : 1);
          continue;
        }
        try {
          out = decompress(input);
        } catch {
          // GNU's -t reports after a line break (ending its progress line).
          if (gnu && o.test) ctx.stderr("\n");
          warn(gnu ? `${f}: ${input.length < 2 ? "unexpected end of file" : "not in gzip format"}` : "invalid magic", 1);
          continue;
        }
        if (o.test) {
          if (gnu && o.verbose) ctx.stderr(`${f}:\t OK\n`);
          continue;
        }
        target = f.endsWith(o.suffix) ? f.slice(0, -o.suffix.length) : f.replace(/\.t[ga]z$/, ".tar");
      } else {
        if (gnu && f.endsWith(o.suffix) && !o.stdout) {
          warn(`${f} already has ${o.suffix} suffix -- unchanged`, 2);
          continue;
        }
        const base = f.split("/").pop() as string;
        let mtime = 0;
        if (gnu && !o.noTime) {
          mtime = Math.floor(st.mtime.getTime() / 1000);
          // gzip's format reserves 0 for "no time": GNU warns for it as for times past 2106.
          if (mtime <= 0 || mtime > 0xffffffff) {
            mtime = 0;
            warn(`${f}: warning: file timestamp out of range for gzip format`, 2);
          }
        }
        out = gzipMember(input, { level: o.level, gnu, name: o.noName ? undefined : base, mtime, build, state });
        target = `${f}${o.suffix}`;
      }
      // What -v says: GNU's ratio leaves the header and trailer out; busybox's is quirkier.
      const verbose = (to: string): string => {
        if (gnu) {
          const hb = o.decompress ? headerBytes(input) : 18 + (o.noName ? 0 : Buffer.byteLength(f.split("/").pop() as string) + 1);
          const r = o.decompress ? ratio(out.length - (input.length - hb), out.length) : ratio(input.length - (out.length - hb), input.length);
          return `${f}:\t${r} -- ${o.keep ? "created" : "replaced with"} ${to}\n`;
        }
        const pct = o.decompress && out.length ? Math.floor((input.length * 100) / out.length) : 0;
        return `${f}: ${(100 - pct) >>> 0}% - replaced with ${to}\n`;
      };
      if (o.stdout) {
        ctx.stdout(out);
        if (gnu && o.verbose) ctx.stderr(verbose("stdout"));
        continue;
      }
      const tp = ctx.resolve(target);
      if (ctx.fs.tryLstat(tp) && !o.force) {
        warn(gnu ? `${target} already exists;\tnot overwritten` : `can't open '${target}': File exists`, gnu ? 2 : 1);
        continue;
      }
      try {
        if (ctx.fs.tryLstat(tp)) ctx.fs.remove(tp);
        ctx.fs.writeFile(tp, out, { mode: st.mode & 0o7777 });
        ctx.fs.chmod(tp, st.mode & 0o7777);
        // GNU carries the input's times (and owner) over; busybox keeps the new file's, or the header's.
        if (gnu) {
          ctx.fs.utimes(tp, st.mtime, st.mtime);
          if (ctx.creds.uid === 0) ctx.fs.chown(tp, { uid: st.uid, gid: st.gid });
        } else if (o.decompress && input.length >= 8 && input.readUInt32LE(4) !== 0) {
          // busybox's gunzip sets the header's MTIME when there is one.
          const t = new Date(input.readUInt32LE(4) * 1000);
          ctx.fs.utimes(tp, t, t);
        }
        if (o.verbose) ctx.stderr(verbose(target));
        if (!o.keep) ctx.fs.remove(p);
      } catch (e) {
        warn(`${target}: ${describeError(e)}`, 1);
      }
    }
    return status;
  };
}

export const gzip = gzipApplet("gzip");
export const gunzip = gzipApplet("gunzip");
export const zcat = gzipApplet("zcat");
