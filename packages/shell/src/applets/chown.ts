import { gnuQuoteAlways } from "./input.js";
import { describeError } from "../util/errors.js";
import { type Applet, type AppletContext, fail } from "./applet.js";
import { appletOptions } from "./options.js";
import { walkTree } from "./walk.js";

/** Parse "USER", "USER:", "USER:GROUP", ":GROUP" (or "." as separator) into ids; undefined keeps. */
function parseOwnerSpec(ctx: AppletContext, spec: string, groupOnly: boolean) {
  const accounts = ctx.accounts();
  const gnu = ctx.flavour === "gnu";
  let userPart = spec;
  let groupPart: string | undefined;
  if (groupOnly) {
    userPart = "";
    groupPart = spec;
  } else {
    const sep = spec.includes(":") ? spec.indexOf(":") : spec.indexOf(".");
    if (sep >= 0 && !(spec.indexOf(".") === sep && accounts.userByName(spec))) {
      userPart = spec.slice(0, sep);
      groupPart = spec.slice(sep + 1);
    }
  }
  let uid: number | undefined;
  let gid: number | undefined;
  if (userPart !== "") {
    const u = accounts.findUser(userPart);
    if (u) uid = u.uid;
    else if (/^\d+$/.test(userPart)) uid = Number(userPart);
    else throw new Error(`unknown user ${userPart}`);
    // "user:" means the user's login group; coreutils wants a user name for that.
    if (groupPart === "" && gnu && !accounts.userByName(userPart)) throw new Error(`invalid spec: '${spec}'`);
    if (groupPart === "") gid = u ? u.gid : undefined;
  }
  if (groupPart) {
    const g = accounts.findGroup(groupPart);
    if (g) gid = g.gid;
    else if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else throw new Error(`unknown group ${groupPart}`);
  }
  return { uid, gid };
}

function makeChown(groupOnly: boolean): Applet {
  const name = groupOnly ? "chgrp" : "chown";
  return (ctx) => {
    const parsed = appletOptions(ctx, name, { flags: "RhHLPcfv", long: { recursive: "R", "no-dereference": "h", verbose: "v", silent: "f", quiet: "f" } });
    if (typeof parsed === "number") return parsed;
    const { opts, operands } = parsed;
    if (operands.length < 2) return fail(ctx, name, "missing operand");
    let ids;
    try {
      ids = parseOwnerSpec(ctx, operands[0], groupOnly);
    } catch (e) {
      return fail(ctx, name, (e as Error).message);
    }
    const recursive = opts.has("R");
    const noDeref = opts.has("h");
    const quiet = opts.has("f");
    const followTop = opts.has("H") || opts.has("L");
    let status = 0;
    for (const operand of operands.slice(1)) {
      const path = ctx.resolve(operand);
      const apply = (p: string, isTop: boolean) => {
        // -h (or -R without -L/-H) changes a symlink itself; otherwise its target.
        const onLink = noDeref || (recursive && !(isTop && followTop) && !opts.has("L"));
        const n = onLink ? ctx.fs.lstat(p) : ctx.fs.stat(p);
        ctx.fs.chown(p, { uid: ids.uid ?? n.uid, gid: ids.gid ?? n.gid }, { noFollow: onLink });
        if (opts.has("v")) ctx.stdout(`changed ownership of '${p}'\n`);
      };
      try {
        if (recursive) walkTree(ctx.fs, path, apply);
        else apply(path, true);
      } catch (e) {
        if (!quiet) {
          const dangling = ctx.fs.tryLstat(path)?.type === "symlink";
          ctx.stderr(ctx.flavour === "gnu" ? `${name}: cannot ${dangling ? "dereference" : "access"} ${gnuQuoteAlways(operand)}: ${describeError(e)}\n` : `${name}: ${operand}: ${describeError(e)}\n`);
        }
        status = 1;
      }
    }
    return status;
  };
}

export const chown = makeChown(false);
export const chgrp = makeChown(true);
