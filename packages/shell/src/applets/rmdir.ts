import { describeError, errorCode } from "../util/errors.js";
import { type Applet, type AppletContext, fail } from "./applet.js";
import { appletOptions } from "./options.js";
import { gnuQuoteAlways } from "./input.js";

/**
 * rmdir [-p] [--ignore-fail-on-non-empty] [-v] DIR...: with -p each parent goes too, up to the
 * first that cannot (an absolute path ends at `/`, which is busy, so the status is 1 as in
 * busybox and coreutils).
 */
export const rmdir: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "rmdir", {
    flags: ctx.flavour === "gnu" ? "pv" : "p",
    long: { parents: "p", "ignore-fail-on-non-empty": "ignore-fail-on-non-empty", verbose: "v" },
  });
  if (typeof parsed === "number") return parsed;
  const parents = parsed.opts.has("p");
  const ignoreNonEmpty = parsed.opts.has("ignore-fail-on-non-empty");
  const verbose = parsed.opts.has("v");
  const dirs = parsed.operands;
  if (dirs.length === 0) return fail(ctx, "rmdir", "missing operand");
  let status = 0;
  for (const d of dirs) {
    let path = d;
    for (;;) {
      if (verbose) ctx.stdout(`rmdir: removing directory, ${gnuQuoteAlways(path)}\n`);
      const err = removeDir(ctx, path);
      if (err) {
        if (!(ignoreNonEmpty && errorCode(err) === "ENOTEMPTY")) {
          ctx.stderr(ctx.flavour === "gnu" ? `rmdir: failed to remove ${parents && path !== d ? "directory " : ""}${gnuQuoteAlways(path)}: ${describeError(err)}\n` : `rmdir: '${path}': ${describeError(err)}\n`);
          status = 1;
        }
        break;
      }
      if (!parents) break;
      const parent = parentOf(path);
      if (parent === undefined) break;
      path = parent;
    }
  }
  return status;
};

/** The parent as dirname(3) gives it, undefined when there is none ("." ). */
function parentOf(p: string): string | undefined {
  const trimmed = p.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  if (i < 0) return undefined;
  const up = trimmed.slice(0, i).replace(/\/+$/, "");
  return up === "" ? "/" : up;
}

function removeDir(ctx: AppletContext, operand: string): unknown {
  const p = ctx.resolve(operand);
  try {
    const n = ctx.fs.lstat(p);
    if (n.type !== "dir") return Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    if (p === "/") return Object.assign(new Error("busy"), { code: "EBUSY" });
    if (ctx.fs.readdir(p).length > 0) return Object.assign(new Error("not empty"), { code: "ENOTEMPTY" });
    ctx.fs.remove(p, { dirOk: true });
    return undefined;
  } catch (e) {
    return e;
  }
}
