import { moveAcrossFilesystems } from "../sandbox/cross-device-move.js";
import type { Node } from "../sandbox/process-fs.js";
import { describeError, errorCode } from "../util/errors.js";
import { basename } from "../util/paths.js";
import { type Applet, type AppletContext, fail } from "./applet.js";
import { gnuQuoteAlways } from "./input.js";
import { appletOptions, type ParsedOptions } from "./options.js";

const BUSYBOX_USAGE =
  "Usage: mv [-finT] SOURCE DEST\nor: mv [-fin] SOURCE... { -t DIRECTORY | DIRECTORY }\n\nRename SOURCE to DEST, or move SOURCEs to DIRECTORY\n\n" +
  "\t-f\tDon't prompt before overwriting\n\t-i\tInteractive, prompt before overwrite\n\t-n\tDon't overwrite an existing file\n" +
  "\t-T\tRefuse to move if DEST is a directory\n\t-t DIR\tMove all SOURCEs into DIR\n";

function busyboxUsage(ctx: AppletContext): number {
  ctx.stderr(`BusyBox (simulated by tsbuild) multi-call binary.\n\n${BUSYBOX_USAGE}`);
  return 1;
}

interface Move {
  ctx: AppletContext;
  opts: ParsedOptions["opts"];
  /** The answers left on stdin for -i's questions, one line each. */
  answers: string[];
}

/**
 * mv [-finuvT] [-t DIR] SOURCE... DEST, as the image's program: busybox tries rename(2) and
 * reports its errno ("can't rename 'F': …"); coreutils checks first and words each case
 * ("cannot stat", "cannot overwrite directory … with non-directory", "… subdirectory of itself").
 * Across filesystems (a volume) both copy and remove.
 */
export const mv: Applet = (ctx) => {
  const gnu = ctx.flavour === "gnu";
  const parsed = appletOptions(
    ctx,
    "mv",
    gnu
      ? {
          flags: "finuvTb",
          values: "tS",
          long: {
            force: "f", interactive: "i", "no-clobber": "n", update: "u", verbose: "v", "no-target-directory": "T",
            "target-directory=": "t", backup: "b", "suffix=": "S", "strip-trailing-slashes": "strip-trailing-slashes",
          },
        }
      : { flags: "finvT", values: "t" },
    { tryHelp: gnu },
  );
  if (typeof parsed === "number") return gnu ? parsed : busyboxUsage(ctx);
  const m: Move = { ctx, opts: parsed.opts, answers: ctx.stdin.toString("latin1").split("\n") };
  return gnu ? gnuMove(m, parsed) : busyboxMove(m, parsed);
};

function busyboxMove(m: Move, parsed: ParsedOptions): number {
  const { ctx, opts } = m;
  const t = opts.get("t");
  const operands = parsed.operands;
  if (operands.length < (typeof t === "string" ? 1 : 2) || (opts.has("T") && operands.length > 2)) return busyboxUsage(ctx);
  const last = typeof t === "string" ? t : operands[operands.length - 1];
  const sources = typeof t === "string" ? operands : operands.slice(0, -1);
  let intoDir = true;
  if (typeof t !== "string" && sources.length === 1) {
    const st = ctx.fs.tryStat(ctx.resolve(last));
    // -T refuses to put a non-directory over a directory before trying; a directory goes to rename(2).
    const source = ctx.fs.tryStat(ctx.resolve(sources[0]));
    if (opts.has("T") && st?.type === "dir" && source !== undefined && source.type !== "dir") {
      return fail(ctx, "mv", `'${last}' is a directory`);
    }
    intoDir = st?.type === "dir" && !opts.has("T");
  }
  let status = 0;
  for (const src of sources) {
    const dest = intoDir ? concatPath(last, basename(src.replace(/\/+$/, "") || "/")) : last;
    const destPath = ctx.resolve(dest);
    // busybox says what it is about to do, whether or not it then can.
    if (opts.has("v")) ctx.stdout(`'${src}' -> '${dest}'\n`);
    let destExists: boolean;
    try {
      destExists = ctx.fs.stat(destPath) !== undefined;
    } catch (e) {
      const code = errorCode(e);
      if (code !== "ENOENT") {
        status = fail(ctx, "mv", `can't stat '${dest}': ${code === "ENOTDIR" ? "Path has non-directory component" : describeError(e)}`);
        continue;
      }
      destExists = false;
    }
    if (destExists) {
      if (opts.has("n")) continue;
      if (opts.has("i") && !opts.has("f") && !confirm(m, `mv: overwrite '${dest}'? `)) continue;
    }
    try {
      renameOrCopy(ctx, ctx.resolve(src), destPath);
    } catch (e) {
      status = fail(ctx, "mv", `can't rename '${src}': ${describeError(e)}`);
    }
  }
  return status;
}

function gnuMove(m: Move, parsed: ParsedOptions): number {
  const { ctx, opts } = m;
  const t = opts.get("t");
  const operands = parsed.operands;
  const usage = (message: string) => {
    ctx.stderr(`mv: ${message}\nTry 'mv --help' for more information.\n`);
    return 1;
  };
  if (operands.length === 0) return usage("missing file operand");
  let sources: string[];
  let dir: string | undefined;
  if (typeof t === "string") {
    if (ctx.fs.tryStat(ctx.resolve(t))?.type !== "dir") return fail(ctx, "mv", `target directory ${gnuQuoteAlways(t)}: ${statError(ctx, t)}`);
    [sources, dir] = [operands, t];
  } else {
    if (operands.length === 1) return usage(`missing destination file operand after ${gnuQuoteAlways(operands[0])}`);
    const last = operands[operands.length - 1];
    if (opts.has("T")) {
      if (operands.length > 2) return usage(`extra operand ${gnuQuoteAlways(operands[2])}`);
    } else if (ctx.fs.tryStat(ctx.resolve(last))?.type === "dir") {
      dir = last;
    } else if (operands.length > 2) {
      return fail(ctx, "mv", `target ${gnuQuoteAlways(last)}: ${statError(ctx, last)}`);
    }
    sources = operands.slice(0, -1);
    if (dir === undefined) return gnuMoveOne(m, sources[0], last);
  }
  // coreutils opens the target directory once: moving a symlink that named it changes nothing after.
  const dirPath = ctx.fs.realpath(ctx.resolve(dir));
  let status = 0;
  for (const src of sources) {
    const name = basename(src.replace(/\/+$/, "") || "/");
    if (gnuMoveOne(m, src, concatPath(dir, name), concatPath(dirPath, name)) !== 0) status = 1;
  }
  return status;
}

function gnuMoveOne(m: Move, src: string, dest: string, destPath = m.ctx.resolve(dest)): number {
  const { ctx, opts } = m;
  const q = gnuQuoteAlways;
  const srcPath = ctx.resolve(src);
  let srcStat: Node;
  try {
    srcStat = ctx.fs.lstat(srcPath);
  } catch (e) {
    return fail(ctx, "mv", `cannot stat ${q(src)}: ${describeError(e)}`);
  }
  const destStat = ctx.fs.tryLstat(destPath);
  if (destStat) {
    if (opts.has("n")) return 0;
    if (destStat.ino === srcStat.ino) return fail(ctx, "mv", `${q(src)} and ${q(dest)} are the same file`);
    if (opts.has("u") && destStat.type !== "dir" && destStat.mtime.getTime() >= srcStat.mtime.getTime()) return 0;
    if (opts.has("i") && !opts.has("f") && !confirm(m, `mv: overwrite ${q(dest)}? `)) return 0;
    if (destStat.type === "dir" && srcStat.type !== "dir") return fail(ctx, "mv", `cannot overwrite directory ${q(dest)} with non-directory`);
    if (destStat.type !== "dir" && srcStat.type === "dir") return fail(ctx, "mv", `cannot overwrite non-directory ${q(dest)} with directory ${q(src)}`);
  }
  if (srcStat.type === "dir" && (destPath === srcPath || destPath.startsWith(`${srcPath.replace(/\/$/, "")}/`))) {
    return fail(ctx, "mv", `cannot move ${q(src)} to a subdirectory of itself, ${q(dest)}`);
  }
  try {
    if (destStat && opts.has("b") && destStat.type !== "dir") renameOrCopy(ctx, destPath, backupName(opts, destPath));
    renameOrCopy(ctx, srcPath, destPath);
  } catch (e) {
    return fail(ctx, "mv", `cannot move ${q(src)} to ${q(dest)}: ${describeError(e)}`);
  }
  if (opts.has("v")) ctx.stdout(`renamed ${q(src)} -> ${q(dest)}\n`);
  return 0;
}

/** Why a target that should be a directory is not one: stat(2)'s errno, or ENOTDIR. */
function statError(ctx: AppletContext, name: string): string {
  try {
    ctx.fs.stat(ctx.resolve(name));
    return "Not a directory";
  } catch (e) {
    return describeError(e);
  }
}

function backupName(opts: ParsedOptions["opts"], path: string): string {
  const suffix = opts.get("S");
  return `${path}${typeof suffix === "string" ? suffix : "~"}`;
}

function renameOrCopy(ctx: AppletContext, from: string, to: string): void {
  try {
    ctx.fs.rename(from, to);
  } catch (e) {
    if (errorCode(e) !== "EXDEV") throw e;
    moveAcrossFilesystems(ctx.fs, from, to);
  }
}

/** The question on stderr, the answer a line of stdin: yes only for one starting with y or Y. */
function confirm(m: Move, question: string): boolean {
  m.ctx.stderr(question);
  const answer = m.answers.shift() ?? "";
  return /^[yY]/.test(answer);
}

/** busybox's concat_path_file: no doubled slash when DIR already ends with one. */
function concatPath(dir: string, name: string): string {
  return dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;
}
