import { permits } from "../sandbox/credentials.js";
import { describeError } from "../util/errors.js";
import { applyMode } from "../util/mode.js";
import { joinPath } from "../util/paths.js";
import { type Applet, fail } from "./applet.js";

/** which [-a] NAME...: executable regular files on PATH. */
export const which: Applet = (ctx) => {
  const all = ctx.args.includes("-a");
  const names = ctx.args.filter((a) => a !== "-a");
  let status = 0;
  for (const name of names) {
    const candidates = name.includes("/") ? [name] : (ctx.env.PATH ?? "").split(":").map((d) => joinPath(d || ".", name));
    let found = false;
    for (const c of candidates) {
      const n = ctx.fs.tryStat(ctx.resolve(c));
      if (n?.type === "file" && permits(ctx.creds, n, 1)) {
        ctx.stdout(`${c}\n`);
        found = true;
        if (!all) break;
      }
    }
    if (!found) status = 1;
  }
  return status;
};

/** umask [-S] [MODE]: the process umask lives in ProcessFs and shapes every new file. */
export const umask: Applet = (ctx) => {
  const symbolic = ctx.args.includes("-S");
  const spec = ctx.args.find((a) => a !== "-S");
  if (spec === undefined) {
    const m = ctx.fs.umask;
    if (!symbolic) ctx.stdout(`${m.toString(8).padStart(4, "0")}\n`);
    else {
      const perms = (bits: number) => `${bits & 4 ? "r" : ""}${bits & 2 ? "w" : ""}${bits & 1 ? "x" : ""}`;
      const allowed = ~m & 0o777;
      ctx.stdout(`u=${perms(allowed >> 6)},g=${perms((allowed >> 3) & 7)},o=${perms(allowed & 7)}\n`);
    }
    return 0;
  }
  if (/^[0-7]+$/.test(spec)) {
    ctx.fs.umask = parseInt(spec, 8) & 0o777;
    return 0;
  }
  // A symbolic umask names the bits to allow.
  const allowed = applyMode(spec, ~ctx.fs.umask & 0o777, { isDir: true, umask: 0 });
  if (allowed === undefined) return fail(ctx, "umask", `invalid mode '${spec}'`);
  ctx.fs.umask = ~allowed & 0o777;
  return 0;
};

/**
 * trap [ACTION] [SIGNAL...]: only EXIT (0) can fire in a build step; its action runs when the
 * shell that set it finishes. Other signals are accepted and never delivered.
 */
export const trap: Applet = (ctx) => {
  const frame = ctx.shell.frames[ctx.shell.frames.length - 1];
  if (ctx.args.length === 0) {
    if (frame?.exitTrap !== undefined) ctx.stdout(`trap -- '${frame.exitTrap.replace(/'/g, `'\\''`)}' EXIT\n`);
    return 0;
  }
  const args = ctx.args[0] === "--" ? ctx.args.slice(1) : ctx.args;
  const [action, ...signals] = /^\d+$/.test(args[0]) ? ["-", ...args] : args;
  for (const sig of signals) {
    if (sig === "EXIT" || sig === "0" || sig === "SIGEXIT") {
      if (!frame) continue;
      frame.exitTrap = action === "-" ? undefined : action;
    }
  }
  return 0;
};

export const realpath: Applet = (ctx) => {
  let status = 0;
  for (const a of ctx.args.filter((x) => !x.startsWith("-"))) {
    try {
      ctx.stdout(`${ctx.fs.realpath(ctx.resolve(a))}\n`);
    } catch (e) {
      status = fail(ctx, "realpath", `${a}: ${describeError(e)}`);
    }
  }
  return status;
};

export const unlink: Applet = (ctx) => {
  if (ctx.args.length !== 1) return fail(ctx, "unlink", "need exactly one operand");
  try {
    ctx.fs.remove(ctx.resolve(ctx.args[0]));
    return 0;
  } catch (e) {
    return fail(ctx, "unlink", `${ctx.args[0]}: ${describeError(e)}`);
  }
};

export const link: Applet = (ctx) => {
  if (ctx.args.length !== 2) return fail(ctx, "link", "need exactly two operands");
  try {
    ctx.fs.link(ctx.resolve(ctx.args[0]), ctx.resolve(ctx.args[1]));
    return 0;
  } catch (e) {
    return fail(ctx, "link", `${ctx.args[1]}: ${describeError(e)}`);
  }
};

/** Nothing is buffered in the sandbox. */
export const sync: Applet = () => 0;
