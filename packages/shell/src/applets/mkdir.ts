import { describeError } from "../util/errors.js";
import { applyMode } from "../util/mode.js";
import { gnuQuoteAlways } from "./input.js";
import { type Applet, fail } from "./applet.js";
import { appletOptions } from "./options.js";

/** mkdir [-p] [-m MODE] DIR...: new directories get 0777 & ~umask (or MODE) and the process's owner. */
export const mkdir: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "mkdir", { flags: "pv", values: "m", long: { parents: "p", "mode=": "m", verbose: "v" } });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  if (operands.length === 0) return fail(ctx, "mkdir", "missing operand");
  let mode: number | undefined;
  const m = opts.get("m");
  if (typeof m === "string") {
    // A symbolic -m is applied to a=rwx, as mkdir(1) does.
    mode = applyMode(m, 0o777, { isDir: true, umask: 0, gnu: ctx.flavour === "gnu" });
    if (mode === undefined) return fail(ctx, "mkdir", `invalid mode '${m}'`);
  }
  let status = 0;
  for (const operand of operands) {
    const path = ctx.resolve(operand);
    try {
      // -m sets the mode exactly (mkdir(1) chmods after mkdir(2)); it applies to DIR, not to parents.
      ctx.fs.mkdir(path, { parents: opts.has("p"), mode });
      if (opts.has("v")) ctx.stdout(`mkdir: created directory '${operand}'\n`);
    } catch (e) {
      status = fail(ctx, "mkdir", ctx.flavour === "gnu" ? `cannot create directory ${gnuQuoteAlways(operand)}: ${describeError(e)}` : `can't create directory '${operand}': ${describeError(e)}`);
    }
  }
  return status;
};
