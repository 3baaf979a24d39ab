import { gnuQuoteAlways } from "./input.js";
import { describeError } from "../util/errors.js";
import { applyMode } from "../util/mode.js";
import { basename, dirname, joinPath } from "../util/paths.js";
import { type Applet, fail } from "./applet.js";
import { appletOptions, splitDestination } from "./options.js";

/** install [-cdDpsv] [-o USER] [-g GROUP] [-m MODE] [-t DIR] SOURCE... DEST */
export const install: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "install", {
    flags: "cdDpsvCT",
    values: "mogt",
    long: {
      directory: "d", "mode=": "m", "owner=": "o", "group=": "g", "target-directory=": "t",
      "preserve-timestamps": "p", strip: "s", verbose: "v", compare: "C", "no-target-directory": "T",
    },
  });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  let mode = 0o755;
  const m = opts.get("m");
  if (typeof m === "string") {
    // coreutils applies a symbolic mode to 0, busybox to the default 0755.
    const parsedMode = applyMode(m, ctx.flavour === "gnu" ? 0 : 0o755, { isDir: opts.has("d"), umask: 0, gnu: ctx.flavour === "gnu" });
    if (parsedMode === undefined) return fail(ctx, "install", `invalid mode '${m}'`);
    mode = parsedMode;
  }
  const accounts = ctx.accounts();
  let uid: number | undefined;
  let gid: number | undefined;
  const o = opts.get("o");
  const g = opts.get("g");
  if (typeof o === "string") {
    uid = accounts.findUser(o)?.uid ?? (/^\d+$/.test(o) ? Number(o) : undefined);
    if (uid === undefined) return fail(ctx, "install", `unknown user ${o}`);
  }
  if (typeof g === "string") {
    gid = accounts.findGroup(g)?.gid ?? (/^\d+$/.test(g) ? Number(g) : undefined);
    if (gid === undefined) return fail(ctx, "install", `unknown group ${g}`);
  }
  const finish = (p: string) => {
    if (uid !== undefined || gid !== undefined) {
      const n = ctx.fs.stat(p);
      ctx.fs.chown(p, { uid: uid ?? n.uid, gid: gid ?? n.gid });
    }
    ctx.fs.chmod(p, mode);
  };

  if (opts.has("d")) {
    if (operands.length === 0) return fail(ctx, "install", "missing operand");
    let status = 0;
    for (const operand of operands) {
      const p = ctx.resolve(operand);
      try {
        ctx.fs.mkdir(p, { parents: true });
        finish(p);
      } catch (e) {
        status = fail(ctx, "install", `can't create directory '${operand}': ${describeError(e)}`);
      }
    }
    return status;
  }

  const split = splitDestination(parsed);
  if (!split) return fail(ctx, "install", "missing destination file operand");
  const { sources } = split;
  let destDir: string | undefined;
  let dest: string | undefined;
  const last = ctx.resolve(split.dest);
  if (split.toDir) destDir = last;
  else {
    const lastIsDir = ctx.fs.tryStat(last)?.type === "dir";
    // coreutils' -D still installs into an existing directory.
    if (opts.has("D") && sources.length === 1 && !opts.has("T") && !(ctx.flavour === "gnu" && lastIsDir)) dest = last;
    else if (!opts.has("T") && lastIsDir) destDir = last;
    else if (sources.length > 1) return fail(ctx, "install", `target '${split.dest}' is not a directory`);
    else dest = last;
  }
  let status = 0;
  for (const src of sources) {
    const srcPath = ctx.resolve(src);
    const target = dest ?? joinPath(destDir as string, basename(srcPath));
    try {
      if (opts.has("D")) ctx.fs.mkdir(dirname(target), { parents: true });
      const node = ctx.fs.stat(srcPath);
      if (node.type === "dir") {
        status = fail(ctx, "install", `omitting directory ${ctx.flavour === "gnu" ? gnuQuoteAlways(src) : `'${src}'`}`);
        continue;
      }
      const data = ctx.fs.readFile(srcPath);
      // install replaces the destination rather than writing into it.
      if (ctx.fs.tryLstat(target)) ctx.fs.remove(target);
      ctx.fs.writeFile(target, data, { mode: 0o600 });
      finish(target);
      if (opts.has("p")) ctx.fs.utimes(target, node.mtime, node.mtime);
      if (opts.has("v")) ctx.stdout(`'${src}' -> '${target}'\n`);
    } catch (e) {
      status = fail(ctx, "install", `${src}: ${describeError(e)}`);
    }
  }
  return status;
};
