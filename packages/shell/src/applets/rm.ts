import { describeError, errorCode } from "../util/errors.js";
import { basename, joinPath } from "../util/paths.js";
import { type Applet, type AppletContext, fail } from "./applet.js";
import { appletOptions } from "./options.js";

/**
 * rm [-rRfiv] FILE...: one entry at a time, so a tree keeps going past what cannot be
 * removed (a mount point, a file the user may not delete) and reports each failure.
 */
export const rm: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "rm", { flags: "rRfivd", long: { recursive: "r", force: "f" } });
  if (typeof parsed === "number") return parsed;
  const flags = parsed.opts;
  const operands = parsed.operands;
  const force = flags.has("f");
  const recursive = flags.has("r") || flags.has("R");
  if (operands.length === 0) return force ? 0 : fail(ctx, "rm", "missing operand");
  let status = 0;
  for (const operand of operands) {
    const base = basename(operand.replace(/\/+$/, ""));
    if (base === "." || base === "..") {
      status = fail(ctx, "rm", "can't remove '.' or '..'");
      continue;
    }
    if (!removeEntry(ctx, ctx.resolve(operand), operand, { force, recursive, verbose: flags.has("v"), dirs: flags.has("d") })) status = 1;
  }
  return status;
};

function removeEntry(
  ctx: AppletContext,
  path: string,
  shown: string,
  o: { force: boolean; recursive: boolean; verbose: boolean; dirs: boolean },
): boolean {
  const node = ctx.fs.tryLstat(path);
  if (!node) {
    if (o.force) return true;
    ctx.stderr(`rm: can't remove '${shown}': No such file or directory\n`);
    return false;
  }
  try {
    if (node.type === "dir") {
      if (!o.recursive && !o.dirs) {
        ctx.stderr(`rm: '${shown}' is a directory\n`);
        return false;
      }
      let ok = true;
      if (o.recursive) {
        for (const name of ctx.fs.readdir(path)) {
          if (!removeEntry(ctx, joinPath(path, name), joinPath(shown, name), o)) ok = false;
        }
      }
      if (!ok) return false;
      ctx.fs.remove(path, { dirOk: true });
    } else {
      ctx.fs.remove(path);
    }
    if (o.verbose) ctx.stdout(`removed '${shown}'\n`);
    return true;
  } catch (e) {
    if (o.force && errorCode(e) === "ENOENT") return true;
    ctx.stderr(`rm: can't remove '${shown}': ${describeError(e)}\n`);
    return false;
  }
}
