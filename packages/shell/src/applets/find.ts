import type { Node } from "../sandbox/process-fs.js";
import { permits } from "../sandbox/credentials.js";
import { describeError } from "../util/errors.js";
import { applyMode } from "../util/mode.js";
import { joinPath } from "../util/paths.js";
import type { AppletContext, Applet } from "./applet.js";
import { gnuQuoteAlways } from "./input.js";
import { modeString } from "./stat.js";

/** A visited file. */
interface Visit {
  /** As printed: the starting point joined with the names below it. */
  path: string;
  /** Absolute, for the filesystem. */
  abs: string;
  name: string;
  depth: number;
  node: Node;
  start: string;
}

type Expr =
  | { op: "and" | "or" | "comma"; a: Expr; b: Expr }
  | { op: "not"; a: Expr }
  | { op: "test"; name: string; run: (v: Visit, w: Walk) => boolean | Promise<boolean>; action?: boolean };

interface Walk {
  ctx: AppletContext;
  out: Buffer[];
  prune: boolean;
  quit: boolean;
  status: number;
  batches: Array<{ argv: string[]; files: string[]; idx: number }>;
}

class FindError extends Error {}

function globToRegExp(pattern: string, flags: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "\\" && i + 1 < pattern.length) re += escapeRe(pattern[++i]);
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith("!")) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, "\\\\").replace(/\[:(\w+):\]/g, (_, cls: string) => CLASSES[cls] ?? "")}]`;
        i = end;
      }
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, flags);
}

const CLASSES: Record<string, string> = { alpha: "A-Za-z", digit: "0-9", alnum: "A-Za-z0-9", upper: "A-Z", lower: "a-z", space: " \\t\\n\\r\\f\\v" };

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** POSIX basic regex (find -regex in busybox) or emacs (GNU's default) to a JS RegExp. */
function regexToJs(pattern: string, flags: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) {
      const n = pattern[++i];
      re += "(){}|+?".includes(n) ? n : `\\${n}`;
    } else if ("(){}|+?".includes(c)) re += c === "+" || c === "?" ? c : `\\${c}`;
    else re += c;
  }
  return new RegExp(`^(?:${re})$`, `s${flags}`);
}

function numericTest(spec: string, what: string): (n: number) => boolean {
  const m = spec.match(/^([+-]?)(\d+)$/);
  if (!m) throw new FindError(`invalid argument \`${spec}' to \`${what}'`);
  const v = Number(m[2]);
  return m[1] === "+" ? (n) => n > v : m[1] === "-" ? (n) => n < v : (n) => n === v;
}

const SIZE_UNITS: Record<string, number> = { c: 1, w: 2, b: 512, k: 1024, M: 1024 ** 2, G: 1024 ** 3 };

function sizeOf(n: Node): number {
  return n.type === "dir" ? 4096 : n.size;
}

/** Parses the expression (GNU's grammar; busybox's is the same where it has the primary). */
class Parser {
  private i = 0;
  hasAction = false;
  depthFirst = false;
  maxDepth = Number.POSITIVE_INFINITY;
  minDepth = 0;

  constructor(
    private readonly args: string[],
    private readonly ctx: AppletContext,
    private readonly now: Date,
  ) {}

  parse(): Expr | undefined {
    if (this.i >= this.args.length) return undefined;
    const e = this.comma();
    if (this.i < this.args.length) {
      const a = this.args[this.i];
      throw new FindError(a === ")" ? "invalid expression; you have too many ')'" : `paths must precede expression: \`${a}'`);
    }
    return e;
  }

  private peek(): string | undefined {
    return this.args[this.i];
  }

  private comma(): Expr {
    let e = this.or();
    while (this.peek() === ",") {
      this.i++;
      e = { op: "comma", a: e, b: this.or() };
    }
    return e;
  }

  private or(): Expr {
    let e = this.and();
    while (this.peek() === "-o" || this.peek() === "-or") {
      this.i++;
      e = { op: "or", a: e, b: this.and() };
    }
    return e;
  }

  private and(): Expr {
    let e = this.unary();
    for (;;) {
      const p = this.peek();
      if (p === undefined || p === ")" || p === "-o" || p === "-or" || p === ",") return e;
      if (p === "-a" || p === "-and") this.i++;
      e = { op: "and", a: e, b: this.unary() };
    }
  }

  private unary(): Expr {
    const p = this.peek();
    if (p === "!" || p === "-not") {
      this.i++;
      return { op: "not", a: this.unary() };
    }
    if (p === "(") {
      this.i++;
      const e = this.comma();
      if (this.peek() !== ")") throw new FindError("invalid expression; I was expecting to find a ')' somewhere but did not see one.");
      this.i++;
      return e;
    }
    if (p === undefined) throw new FindError("invalid expression");
    this.i++;
    return this.primary(p);
  }

  private arg(name: string): string {
    const v = this.args[this.i++];
    if (v === undefined) throw new FindError(this.ctx.flavour === "gnu" ? `missing argument to \`${name}'` : `${name} requires an argument`);
    return v;
  }

  private primary(name: string): Expr {
    const t = (run: (v: Visit, w: Walk) => boolean | Promise<boolean>, action = false): Expr => ({ op: "test", name, run, action });
    const gnu = this.ctx.flavour === "gnu";
    const ctx = this.ctx;
    switch (name) {
      case "-name":
      case "-iname": {
        const re = globToRegExp(this.arg(name), name === "-iname" ? "i" : "");
        return t((v) => re.test(v.name));
      }
      case "-path":
      case "-wholename":
      case "-ipath":
      case "-iwholename": {
        const re = globToRegExp(this.arg(name), name.startsWith("-i") ? "i" : "");
        return t((v) => re.test(v.path));
      }
      case "-regex":
      case "-iregex": {
        const re = regexToJs(this.arg(name), name === "-iregex" ? "i" : "");
        return t((v) => re.test(v.path));
      }
      case "-type":
      case "-xtype": {
        const spec = this.arg(name);
        const types = spec.split(",");
        const map: Record<string, Node["type"]> = { f: "file", d: "dir", l: "symlink", b: "block", c: "char", p: "fifo", s: "file" };
        for (const ty of types) if (!(ty in map) || (!gnu && types.length > 1)) throw new FindError(gnu ? `Unknown argument to ${name}: ${ty}` : `invalid argument '${spec}' to '${name}'`);
        const want = new Set(types.filter((x) => x !== "s").map((x) => map[x]));
        return t((v) => {
          let node = v.node;
          if (name === "-xtype") node = node.type === "symlink" ? (ctx.fs.tryStat(v.abs) ?? node) : (ctx.fs.tryLstat(v.abs) ?? node);
          return want.has(node.type);
        });
      }
      case "-perm": {
        const spec = this.arg(name);
        const kind = spec[0] === "-" ? "all" : spec[0] === "/" || (spec[0] === "+" && !gnu) ? "any" : "exact";
        const body = kind === "exact" ? spec : spec.slice(1);
        const mode = applyMode(body, 0, { isDir: false, umask: 0 });
        if (mode === undefined) throw new FindError(`invalid mode \`${spec}'`);
        return t((v) => {
          const m = v.node.mode & 0o7777;
          if (kind === "exact") return m === mode;
          if (kind === "all") return (m & mode) === mode;
          return mode === 0 || (m & mode) !== 0;
        });
      }
      case "-user":
      case "-group": {
        const who = this.arg(name);
        const db = ctx.accounts();
        const id = /^\d+$/.test(who) ? Number(who) : name === "-user" ? db.userByName(who)?.uid : db.groupByName(who)?.gid;
        if (id === undefined) throw new FindError(gnu ? `'${who}' is not the name of a known ${name === "-user" ? "user" : "group"}` : `unknown ${name === "-user" ? "user" : "group"} ${who}`);
        return t((v) => (name === "-user" ? v.node.uid : v.node.gid) === id);
      }
      case "-uid":
      case "-gid": {
        if (!gnu) throw new FindError(`unrecognized: ${name}`);
        const test = numericTest(this.arg(name), name);
        return t((v) => test(name === "-uid" ? v.node.uid : v.node.gid));
      }
      case "-nouser":
        return t((v) => ctx.accounts().userById(v.node.uid) === undefined);
      case "-nogroup":
        return t((v) => ctx.accounts().groupById(v.node.gid) === undefined);
      case "-size": {
        const spec = this.arg(name);
        const m = spec.match(/^([+-]?)(\d+)([cwbkMG]?)$/);
        if (!m) throw new FindError(`invalid -size type \`${spec}'`);
        const unit = SIZE_UNITS[m[3] || "b"];
        const n = Number(m[2]);
        if (gnu) {
          // GNU rounds the size up to whole units first.
          const cmp = numericTest(`${m[1]}${n}`, name);
          return t((v) => cmp(Math.ceil(sizeOf(v.node) / unit)));
        }
        // busybox compares bytes with N units.
        const bytes = n * unit;
        return t((v) => (m[1] === "+" ? sizeOf(v.node) > bytes : m[1] === "-" ? sizeOf(v.node) < bytes : sizeOf(v.node) === bytes));
      }
      case "-empty":
        return t((v) => (v.node.type === "dir" ? ctx.fs.readdir(v.abs).length === 0 : v.node.type === "file" && v.node.size === 0));
      case "-newer": {
        const ref = this.arg(name);
        let node: Node;
        try {
          node = ctx.fs.stat(ctx.resolve(ref));
        } catch (e) {
          throw new FindError(gnu ? `${gnuQuoteAlways(ref)}: ${describeError(e)}` : `${ref}: ${describeError(e)}`);
        }
        return t((v) => v.node.mtime.getTime() > node.mtime.getTime());
      }
      case "-samefile": {
        const ref = this.arg(name);
        const node = ctx.fs.tryLstat(ctx.resolve(ref));
        if (!node) throw new FindError(`${ref}: No such file or directory`);
        return t((v) => v.node.ino === node.ino);
      }
      case "-mtime":
      case "-atime":
      case "-ctime":
      case "-mmin":
      case "-amin":
      case "-cmin": {
        const test = numericTest(this.arg(name), name);
        const unit = name.endsWith("min") ? 60_000 : 86_400_000;
        return t((v) => test(Math.floor((this.now.getTime() - v.node.mtime.getTime()) / unit)));
      }
      case "-links":
      case "-inum": {
        const test = numericTest(this.arg(name), name);
        return t((v) => test(name === "-links" ? v.node.nlink : v.node.ino));
      }
      case "-readable":
      case "-writable":
      case "-executable": {
        const bit = name === "-readable" ? 4 : name === "-writable" ? 2 : 1;
        // access(2): through a symlink; a dangling one is nothing.
        return t((v) => {
          const n = v.node.type === "symlink" ? ctx.fs.tryStat(v.abs) : v.node;
          return n !== undefined && permits(ctx.creds, n, bit);
        });
      }
      case "-maxdepth":
      case "-mindepth": {
        const v = this.arg(name);
        if (!/^\d+$/.test(v)) throw new FindError(`Expected a positive decimal integer argument to ${name}, but got \`${v}'`);
        if (name === "-maxdepth") this.maxDepth = Number(v);
        else this.minDepth = Number(v);
        return t(() => true);
      }
      case "-depth":
      case "-d":
        this.depthFirst = true;
        return t(() => true);
      case "-xdev":
      case "-mount":
      case "-noleaf":
      case "-follow":
      case "-ignore_readdir_race":
        return t(() => true);
      case "-true":
        return t(() => true);
      case "-false":
        return t(() => false);
      case "-prune":
        return t((v, w) => {
          if (!this.depthFirst) w.prune = true;
          return true;
        });
      case "-quit":
        this.hasAction = true;
        return t((v, w) => {
          w.quit = true;
          return true;
        }, true);
      case "-print":
      case "-print0":
        this.hasAction = true;
        return t((v, w) => {
          w.out.push(Buffer.from(`${v.path}${name === "-print0" ? "\0" : "\n"}`));
          return true;
        }, true);
      case "-printf": {
        if (!gnu) throw new FindError(`unrecognized: ${name}`);
        const format = this.arg(name);
        this.hasAction = true;
        return t((v, w) => {
          w.out.push(Buffer.from(printf(format, v, ctx)));
          return true;
        }, true);
      }
      case "-ls":
        this.hasAction = true;
        return t((v, w) => {
          w.out.push(Buffer.from(`${String(v.node.ino).padStart(9)} ${String(Math.ceil(sizeOf(v.node) / 4096) * 4).padStart(6)} ${modeString(v.node)} ${v.path}\n`));
          return true;
        }, true);
      case "-delete":
        this.hasAction = true;
        this.depthFirst = true;
        return t((v, w) => {
          if (v.path === ".") return true;
          try {
            ctx.fs.remove(v.abs, { dirOk: true });
            return true;
          } catch (e) {
            ctx.stderr(gnu ? `find: cannot delete ${gnuQuoteAlways(v.path)}: ${describeError(e)}\n` : `find: ${v.path}: ${describeError(e)}\n`);
            w.status = 1;
            return false;
          }
        }, true);
      case "-exec":
      case "-execdir":
      case "-ok":
      case "-okdir": {
        const cmd: string[] = [];
        let plus = false;
        for (;;) {
          const a = this.args[this.i++];
          if (a === undefined) throw new FindError(`missing argument to \`${name}'`);
          if (a === ";") break;
          if (a === "+" && cmd[cmd.length - 1] === "{}") {
            plus = true;
            cmd.pop();
            break;
          }
          cmd.push(a);
        }
        if (cmd.length === 0) throw new FindError(`missing argument to \`${name}'`);
        this.hasAction = true;
        const dir = name.endsWith("dir");
        if (plus) {
          const batch = { argv: cmd, files: [] as string[], idx: -1 };
          return t((v, w) => {
            if (batch.idx < 0) {
              batch.idx = w.batches.length;
              w.batches.push(batch);
            }
            batch.files.push(dir ? `./${v.name}` : v.path);
            return true;
          }, true);
        }
        return t(async (v, w) => {
          const file = dir ? `./${v.name}` : v.path;
          const argv = cmd.map((a) => a.split("{}").join(file));
          const r = await ctx.exec(argv, ctx.env);
          w.out.push(r.stdout);
          if (r.stderr) {
            flush(w);
            ctx.stderr(r.stderr);
          }
          return r.exitCode === 0;
        }, true);
      }
      default:
        throw new FindError(gnu ? `unknown predicate \`${name}'` : `unrecognized: ${name}`);
    }
  }
}

function flush(w: Walk): void {
  if (w.out.length) {
    w.ctx.stdout(Buffer.concat(w.out));
    w.out = [];
  }
}

function printf(format: string, v: Visit, ctx: AppletContext): string {
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c === "\\" && i + 1 < format.length) {
      const n = format[++i];
      out += ({ n: "\n", t: "\t", "0": "\0", "\\": "\\", r: "\r" } as Record<string, string>)[n] ?? `\\${n}`;
    } else if (c === "%" && i + 1 < format.length) {
      const m = format.slice(i + 1).match(/^(-?\d*)([a-zA-Z%])/);
      if (!m) {
        out += c;
        continue;
      }
      i += m[0].length;
      const width = m[1];
      let s: string;
      switch (m[2]) {
        case "p": s = v.path; break;
        case "P": s = v.path === v.start ? "" : v.path.slice(v.start.length + (v.start.endsWith("/") ? 0 : 1)); break;
        case "f": s = v.name; break;
        case "h": { const k = v.path.lastIndexOf("/"); s = k < 0 ? "." : k === 0 ? "/" : v.path.slice(0, k); break; }
        case "s": s = String(sizeOf(v.node)); break;
        case "m": s = (v.node.mode & 0o7777).toString(8); break;
        case "M": s = modeString(v.node); break;
        case "u": s = ctx.accounts().userById(v.node.uid)?.name ?? String(v.node.uid); break;
        case "g": s = ctx.accounts().groupById(v.node.gid)?.name ?? String(v.node.gid); break;
        case "U": s = String(v.node.uid); break;
        case "G": s = String(v.node.gid); break;
        case "d": s = String(v.depth); break;
        case "n": s = String(v.node.nlink); break;
        case "i": s = String(v.node.ino); break;
        case "y": s = ({ file: "f", dir: "d", symlink: "l", char: "c", block: "b", fifo: "p" } as Record<string, string>)[v.node.type] ?? "U"; break;
        case "l": s = v.node.type === "symlink" ? ctx.fs.readlink(v.abs) : ""; break;
        case "T": case "t": s = String(Math.floor(v.node.mtime.getTime() / 1000)); break;
        case "%": s = "%"; break;
        default: s = `%${m[2]}`;
      }
      const w = Number(width.replace("-", "")) || 0;
      out += width.startsWith("-") ? s.padEnd(w) : s.padStart(w);
    } else out += c;
  }
  return out;
}

async function evaluate(e: Expr, v: Visit, w: Walk): Promise<boolean> {
  switch (e.op) {
    case "and":
      return (await evaluate(e.a, v, w)) && evaluate(e.b, v, w);
    case "or":
      return (await evaluate(e.a, v, w)) || evaluate(e.b, v, w);
    case "comma":
      await evaluate(e.a, v, w);
      return evaluate(e.b, v, w);
    case "not":
      return !(await evaluate(e.a, v, w));
    case "test":
      return e.run(v, w);
  }
}

/**
 * find [-H|-L|-P] [PATH]... [EXPRESSION]: GNU findutils' expression language; with busybox
 * its error words, its byte-exact -size and no -printf. Directory entries are visited in
 * name order (a real filesystem's order is arbitrary).
 */
export const find: Applet = async (ctx) => {
  const gnu = ctx.flavour === "gnu";
  const args = [...ctx.args];
  let follow: "P" | "H" | "L" = "P";
  while (args.length && /^-[HLP]+$/.test(args[0])) follow = (args.shift() as string).slice(-1) as "P" | "H" | "L";
  const starts: string[] = [];
  while (args.length && !(args[0].startsWith("-") && args[0].length > 1) && args[0] !== "(" && args[0] !== "!") starts.push(args.shift() as string);
  if (args.includes("-follow")) follow = "L";
  const parser = new Parser(args, ctx, ctx.now());
  let expr: Expr | undefined;
  try {
    expr = parser.parse();
  } catch (e) {
    if (!(e instanceof FindError)) throw e;
    ctx.stderr(`find: ${e.message}\n`);
    return 1;
  }
  const print: Expr = { op: "test", name: "-print", run: (v, w) => (w.out.push(Buffer.from(`${v.path}\n`)), true) };
  const full: Expr = expr ? (parser.hasAction ? expr : { op: "and", a: expr, b: print }) : print;
  const w: Walk = { ctx, out: [], prune: false, quit: false, status: 0, batches: [] };

  const visit = async (v: Visit): Promise<void> => {
    if (w.quit) return;
    w.prune = false;
    const isDir = v.node.type === "dir";
    const act = async () => {
      if (v.depth >= parser.minDepth) await evaluate(full, v, w);
    };
    if (!parser.depthFirst) await act();
    if (isDir && !w.prune && v.depth < parser.maxDepth && !w.quit) {
      let names: string[] = [];
      try {
        names = [...ctx.fs.readdir(v.abs)].sort();
      } catch (e) {
        ctx.stderr(gnu ? `find: ${gnuQuoteAlways(v.path)}: ${describeError(e)}\n` : `find: ${v.path}: ${describeError(e)}\n`);
        w.status = 1;
      }
      for (const name of names) {
        const abs = joinPath(v.abs, name);
        let node = ctx.fs.tryLstat(abs);
        if (!node) continue;
        if (follow === "L" && node.type === "symlink") node = ctx.fs.tryStat(abs) ?? node;
        await visit({ path: v.path.endsWith("/") ? `${v.path}${name}` : `${v.path}/${name}`, abs, name, depth: v.depth + 1, node, start: v.start });
        if (w.quit) return;
      }
    }
    if (parser.depthFirst) await act();
  };

  for (const start of starts.length ? starts : ["."]) {
    const abs = ctx.resolve(start);
    let node: Node | undefined;
    try {
      node = follow === "P" ? ctx.fs.lstat(abs) : (ctx.fs.tryStat(abs) ?? ctx.fs.lstat(abs));
    } catch (e) {
      flush(w);
      ctx.stderr(gnu ? `find: ${gnuQuoteAlways(start)}: ${describeError(e)}\n` : `find: ${start}: ${describeError(e)}\n`);
      w.status = 1;
      continue;
    }
    const name = start.replace(/\/+$/, "").split("/").pop() || start;
    await visit({ path: start, abs, name, depth: 0, node, start });
    if (w.quit) break;
  }
  for (const b of w.batches) {
    if (!b.files.length) continue;
    const r = await ctx.exec([...b.argv, ...b.files], ctx.env);
    w.out.push(r.stdout);
    if (r.stderr) {
      flush(w);
      ctx.stderr(r.stderr);
    }
    if (r.exitCode !== 0) w.status = 1;
  }
  flush(w);
  return w.status;
};
