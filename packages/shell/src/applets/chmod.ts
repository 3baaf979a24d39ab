import { describeError } from "../util/errors.js";
import { applyMode } from "../util/mode.js";
import { type Applet, fail } from "./applet.js";
import { walkTree } from "./walk.js";

/** chmod [-Rcvf] MODE[,MODE]... FILE...; symbolic modes follow busybox (see util/mode.ts). */
export const chmod: Applet = (ctx) => {
  const flags = new Set<string>();
  const rest: string[] = [];
  let modeSpec: string | undefined;
  let endOfOptions = false;
  for (const a of ctx.args) {
    // "-w" / "-x" are modes, not options; only the known flag letters are options.
    if (!endOfOptions && a === "--") endOfOptions = true;
    else if (!endOfOptions && modeSpec === undefined && /^-[Rcvf]+$/.test(a)) for (const c of a.slice(1)) flags.add(c);
    else if (modeSpec === undefined) modeSpec = a;
    else rest.push(a);
  }
  if (modeSpec === undefined || rest.length === 0) return fail(ctx, "chmod", "missing operand");
  let status = 0;
  for (const operand of rest) {
    const path = ctx.resolve(operand);
    const apply = (p: string) => {
      const n = ctx.fs.lstat(p);
      if (n.type === "symlink") {
        // chmod follows a symlink named on the command line; inside -R it skips them.
        if (p !== path) return;
      }
      const target = n.type === "symlink" ? ctx.fs.stat(p) : n;
      let mode = applyMode(modeSpec as string, target.mode, { isDir: target.type === "dir", umask: ctx.fs.umask, gnu: ctx.flavour === "gnu" });
      if (mode === undefined) throw new Error(`invalid mode '${modeSpec}'`);
      // coreutils keeps a directory's setuid/setgid bits unless the octal mode has 5 digits.
      // A symbolic mode that does not name s keeps them too.
      const keepsSpecial = /^[0-7]{1,4}$/.test(modeSpec as string) || (!/^[0-7]/.test(modeSpec as string) && !(modeSpec as string).includes("s"));
      if (ctx.flavour === "gnu" && target.type === "dir" && keepsSpecial) mode = (mode & ~0o6000) | (target.mode & 0o6000);
      ctx.fs.chmod(p, mode);
      if (flags.has("v")) ctx.stdout(`mode of '${p}' changed to ${mode.toString(8).padStart(4, "0")}\n`);
    };
    try {
      if (flags.has("R")) walkTree(ctx.fs, path, (p) => apply(p));
      else apply(path);
    } catch (e) {
      const msg = e instanceof Error && e.message.startsWith("invalid mode") ? e.message : `${operand}: ${describeError(e)}`;
      if (!flags.has("f")) ctx.stderr(`chmod: ${msg}\n`);
      status = 1;
      if (msg.startsWith("invalid mode")) return status;
    }
  }
  return status;
};
