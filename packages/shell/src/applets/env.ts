import { type Applet, fail } from "./applet.js";

/** env [-i] [-u NAME]... [NAME=VALUE]... [COMMAND [ARG]...]: the exported environment only. */
export const env: Applet = async (ctx) => {
  let vars: Record<string, string> = { ...ctx.env };
  let i = 0;
  for (; i < ctx.args.length; i++) {
    const a = ctx.args[i];
    if (a === "-i" || a === "-" || a === "--ignore-environment") vars = {};
    else if (a === "-u" || a === "--unset") delete vars[ctx.args[++i] ?? ""];
    else if (a.startsWith("-u") && a.length > 2) delete vars[a.slice(2)];
    else if (a === "--") {
      i++;
      break;
    } else if (a.startsWith("-") && a.length > 1) return fail(ctx, "env", `invalid option -- '${a.slice(1)}'`, 125);
    else break;
  }
  for (; i < ctx.args.length && /^[^=]+=/.test(ctx.args[i]); i++) {
    const eq = ctx.args[i].indexOf("=");
    vars[ctx.args[i].slice(0, eq)] = ctx.args[i].slice(eq + 1);
  }
  const command = ctx.args.slice(i);
  if (command.length === 0) {
    ctx.stdout(Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join(""));
    return 0;
  }
  const r = await ctx.exec(command, vars);
  ctx.stdout(r.stdout);
  ctx.stderr(r.stderr);
  return r.exitCode;
};

/** printenv [NAME]...: exported variables. */
export const printenv: Applet = (ctx) => {
  if (ctx.args.length === 0) {
    ctx.stdout(Object.entries(ctx.env).map(([k, v]) => `${k}=${v}\n`).join(""));
    return 0;
  }
  let status = 0;
  for (const name of ctx.args) {
    if (name in ctx.env) ctx.stdout(`${ctx.env[name]}\n`);
    else status = 1;
  }
  return status;
};
