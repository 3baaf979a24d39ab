import { gnuQuoteAlways } from "./input.js";
import { randomInt } from "node:crypto";
import { describeError, errorCode } from "../util/errors.js";
import { joinPath } from "../util/paths.js";
import { type Applet, fail } from "./applet.js";
import { appletOptions } from "./options.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** mktemp [-dqtu] [-p DIR] [TEMPLATE]: a new file (0600) or directory (0700) with a random name. */
export const mktemp: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "mktemp", { flags: "dqtu", values: "p", long: { directory: "d", quiet: "q", "dry-run": "u", "tmpdir=": "p" } });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  const template = operands[0] ?? "tmp.XXXXXX";
  const m = template.match(ctx.flavour === "gnu" ? /X{3,}$/ : /X{6,}$/);
  // busybox 1.35/1.36 print mkstemp's failure with a null name.
  if (!m) return fail(ctx, "mktemp", ctx.flavour === "gnu" ? `too few X's in template ${gnuQuoteAlways(template.split("/").pop() as string)}` : "(null): Invalid argument");
  const p = opts.get("p");
  const inTmp = operands.length === 0 || opts.has("t") || typeof p === "string";
  const dir = typeof p === "string" ? p : ctx.env.TMPDIR || "/tmp";
  for (let attempt = 0; attempt < 100; attempt++) {
    let name = template.slice(0, template.length - m[0].length);
    for (let i = 0; i < m[0].length; i++) name += ALPHABET[randomInt(ALPHABET.length)];
    const path = inTmp && !name.startsWith("/") ? joinPath(ctx.resolve(dir), name) : ctx.resolve(name);
    try {
      if (!opts.has("u")) {
        if (ctx.fs.tryLstat(path)) continue;
        if (opts.has("d")) ctx.fs.mkdir(path, { mode: 0o700 });
        else ctx.fs.writeFile(path, Buffer.alloc(0), { mode: 0o600 });
      }
      ctx.stdout(`${inTmp && !name.startsWith("/") ? joinPath(dir, name) : name}\n`);
      return 0;
    } catch (e) {
      if (errorCode(e) === "EEXIST") continue;
      if (!opts.has("q")) ctx.stderr(ctx.flavour === "gnu" ? `mktemp: failed to create ${opts.has("d") ? "directory" : "file"} via template '${template}': ${describeError(e)}\n` : `mktemp: (null): ${describeError(e)}\n`);
      return 1;
    }
  }
  return fail(ctx, "mktemp", `failed to create file via template '${template}'`);
};
