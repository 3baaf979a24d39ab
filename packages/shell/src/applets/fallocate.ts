import { describeError } from "../util/errors.js";
import { type Applet, fail } from "./applet.js";
import { appletOptions } from "./options.js";
import { parseSize } from "./size.js";

const BUSYBOX_USAGE = "Usage: fallocate [-o OFS] -l LEN FILE\n\nPreallocate space for FILE\n\n\t-o OFS\tOffset of range\n\t-l LEN\tLength of range\n";

/**
 * fallocate [-o OFS] -l LEN FILE (busybox; util-linux also -n): the file grows to at least
 * OFS+LEN, the new bytes reading as zeros. The image keeps them as a size, so `fallocate -l 10G`
 * allocates nothing, and its layer holds the zeros as Docker's does.
 */
export const fallocate: Applet = (ctx) => {
  const gnu = ctx.flavour === "gnu";
  const parsed = appletOptions(ctx, "fallocate", {
    flags: gnu ? "n" : "",
    values: "lo",
    long: gnu ? { "keep-size": "n", "length=": "l", "offset=": "o" } : undefined,
  });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  const usage = () => {
    ctx.stderr(`BusyBox (simulated by tsbuild) multi-call binary.\n\n${BUSYBOX_USAGE}`);
    return 1;
  };
  const lenText = opts.get("l");
  if (operands.length !== 1) return gnu ? fail(ctx, "fallocate", "no filename specified") : usage();
  if (typeof lenText !== "string") return gnu ? fail(ctx, "fallocate", "no length argument specified") : usage();
  const length = parseSize(lenText);
  const offText = opts.get("o");
  const offset = typeof offText === "string" ? parseSize(offText) : 0;
  if (length === undefined || length === 0) return fail(ctx, "fallocate", gnu ? "invalid length value specified" : `invalid number '${lenText}'`);
  if (offset === undefined) return fail(ctx, "fallocate", gnu ? "invalid offset value specified" : `invalid number '${offText}'`);
  const path = ctx.resolve(operands[0]);
  try {
    const size = ctx.fs.tryStat(path)?.size ?? 0;
    if (opts.has("n")) {
      if (!ctx.fs.tryStat(path)) ctx.fs.truncate(path, 0);
    } else ctx.fs.truncate(path, Math.max(size, offset + length));
  } catch (e) {
    return gnu ? fail(ctx, "fallocate", `cannot open ${operands[0]}: ${describeError(e)}`) : fail(ctx, "fallocate", `can't open '${operands[0]}': ${describeError(e)}`);
  }
  return 0;
};
