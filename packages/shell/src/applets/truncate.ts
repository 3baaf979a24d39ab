import { describeError } from "../util/errors.js";
import { type Applet, fail } from "./applet.js";
import { appletOptions } from "./options.js";
import { parseSize } from "./size.js";

/** truncate [-c] -s [+-]SIZE FILE...: cut a file, or extend it with zero bytes. */
export const truncate: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "truncate", { flags: "co", values: "s", long: { "no-create": "c", "size=": "s" } });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  const spec = opts.get("s");
  if (typeof spec !== "string") return fail(ctx, "truncate", "you must specify -s SIZE");
  const m = spec.match(/^([+\-<>/%]?)(.*)$/) as RegExpMatchArray;
  const amount = parseSize(m[2]);
  if (amount === undefined) return fail(ctx, "truncate", `invalid number '${spec}'`);
  if (operands.length === 0) return fail(ctx, "truncate", "missing file operand");
  let status = 0;
  for (const operand of operands) {
    const path = ctx.resolve(operand);
    try {
      const n = ctx.fs.tryStat(path);
      if (!n && opts.has("c")) continue;
      // The zeros an extension adds are kept as a size (truncate -s 3G allocates nothing).
      ctx.fs.truncate(path, newSize(m[1], n?.size ?? 0, amount));
    } catch (e) {
      status = fail(ctx, "truncate", `${operand}: ${describeError(e)}`);
    }
  }
  return status;
};

function newSize(op: string, current: number, n: number): number {
  switch (op) {
    case "+": return current + n;
    case "-": return Math.max(0, current - n);
    case "<": return Math.min(current, n);
    case ">": return Math.max(current, n);
    case "/": return n ? Math.floor(current / n) * n : current;
    case "%": return n ? Math.ceil(current / n) * n : current;
    default: return n;
  }
}
