import { describeError } from "../util/errors.js";
import { basename, joinPath } from "../util/paths.js";
import { gnuQuote, gnuQuoteAlways } from "./input.js";
import { type Applet, fail } from "./applet.js";
import { appletOptions, splitDestination } from "./options.js";

/** ln [-sfnTv] TARGET... LINK|DIR: hard links stay hard links (RootFS.link), -s makes symlinks. */
export const ln: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "ln", {
    flags: "sfnTvbLP",
    values: "tS",
    long: { symbolic: "s", force: "f", "no-dereference": "n", "no-target-directory": "T", verbose: "v", "target-directory=": "t" },
  });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  const symbolic = opts.has("s");
  let targets: string[];
  let destDir: string | undefined;
  /** The directory operand as written, for messages. */
  let destDirName: string | undefined;
  let dest: string | undefined;
  const split = splitDestination(parsed);
  if (split?.toDir) {
    targets = split.sources;
    destDir = ctx.resolve(split.dest);
    destDirName = split.dest;
  } else if (split) {
    targets = split.sources;
    const last = split.dest;
    const lastPath = ctx.resolve(last);
    const lastNode = opts.has("n") ? ctx.fs.tryLstat(lastPath) : ctx.fs.tryStat(lastPath);
    if (!opts.has("T") && lastNode?.type === "dir") {
      destDir = lastPath;
      destDirName = last;
    }
    else if (targets.length > 1) return fail(ctx, "ln", `target '${last}' is not a directory`);
    else dest = last;
  } else if (operands.length === 1) {
    // ln TARGET links into the current directory.
    targets = operands;
    destDir = ctx.cwd;
    destDirName = ".";
  } else {
    return fail(ctx, "ln", "missing file operand");
  }
  if (targets.length === 0) return fail(ctx, "ln", "missing file operand");
  let status = 0;
  for (const target of targets) {
    const base = basename(target.replace(/\/+$/, ""));
    const linkName = dest ?? (destDirName === "." ? base : joinPath(destDirName as string, base));
    const linkPath = dest !== undefined ? ctx.resolve(dest) : joinPath(destDir as string, base);
    const gnu = ctx.flavour === "gnu";
    try {
      if (!symbolic) {
        const src = ctx.fs.tryLstat(ctx.resolve(target));
        if (!src) {
          status = fail(ctx, "ln", gnu ? `failed to access ${gnuQuoteAlways(target)}: No such file or directory` : `${target}: No such file or directory`);
          continue;
        }
        // GNU refuses up front; busybox removes the destination (-f) and then link(2) fails.
        if (src.type === "dir" && (gnu || !opts.has("f") || !ctx.fs.tryLstat(linkPath))) {
          status = fail(ctx, "ln", gnu ? `${gnuQuote(target)}: hard link not allowed for directory` : `${linkName}: ${ctx.fs.tryLstat(linkPath) ? "File exists" : "Operation not permitted"}`);
          continue;
        }
        if (src.type === "dir") {
          // unlink(2) of a directory fails quietly; link(2) then finds it there.
          if (ctx.fs.tryLstat(linkPath)?.type === "dir") status = fail(ctx, "ln", `${linkName}: File exists`);
          else {
            ctx.fs.remove(linkPath);
            status = fail(ctx, "ln", `${linkName}: Operation not permitted`);
          }
          continue;
        }
      }
      const existing = ctx.fs.tryLstat(linkPath);
      if (existing) {
        if (!opts.has("f")) {
          status = fail(ctx, "ln", gnu ? `failed to create ${symbolic ? "symbolic" : "hard"} link ${gnuQuoteAlways(linkName)}: File exists` : `${linkName}: File exists`);
          continue;
        }
        if (existing.type === "dir") {
          status = fail(ctx, "ln", gnu ? `${gnuQuoteAlways(linkName)}: cannot overwrite directory` : `${linkName}: File exists`);
          continue;
        }
        ctx.fs.remove(linkPath);
      }
      if (symbolic) ctx.fs.symlink(target, linkPath);
      else ctx.fs.link(ctx.resolve(target), linkPath);
      if (opts.has("v")) ctx.stdout(`'${linkName}' -> '${target}'\n`);
    } catch (e) {
      const which = (e as { which?: string }).which === "target" ? target : linkName;
      status = fail(ctx, "ln", `${which}: ${describeError(e)}`);
    }
  }
  return status;
};
