import { availableParallelism } from "node:os";
import type { Applet, AppletContext } from "./applet.js";

/**
 * ps: the step's processes (process 1, the RUN command, and ps itself; the shells in between
 * are not tracked). busybox's format as Alpine and the busybox image build it (with TIME);
 * procps' default and `aux`/`-ef` formats.
 */
export const ps: Applet = (ctx) => {
  const procs = ctx.processes();
  const db = ctx.accounts();
  const user = (uid: number) => db.userById(uid)?.name ?? String(uid);
  const cmd = (argv: string[]) => argv.join(" ");
  if (ctx.flavour === "busybox") {
    let out = "PID   USER     TIME  COMMAND\n";
    for (const p of procs) out += `${String(p.pid).padStart(5)} ${user(p.uid).padEnd(8).slice(0, 8)} ${"0:00".padStart(5)} ${cmd(p.argv)}\n`;
    ctx.stdout(out);
    return 0;
  }
  const args = ctx.args.join(" ");
  const comm = (argv: string[]) => (argv[0] ?? "").split("/").pop() ?? "";
  let out: string;
  if (/\b(aux|-aux|axu)\b/.test(args)) {
    out = "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n";
    const start = ctx.now().toISOString().slice(11, 16);
    for (const p of procs) out += `${user(p.uid).padEnd(8)} ${String(p.pid).padStart(7)}  0.0  0.0      0     0 ?        S    ${start}   0:00 ${cmd(p.argv)}\n`;
  } else if (/(^|\s)-(ef|e -f|f -e)\b/.test(args)) {
    out = "UID          PID    PPID  C STIME TTY          TIME CMD\n";
    const start = ctx.now().toISOString().slice(11, 16);
    procs.forEach((p, i) => {
      out += `${user(p.uid).padEnd(8)} ${String(p.pid).padStart(7)} ${String(i === 0 ? 0 : 1).padStart(7)}  0 ${start} ?        00:00:00 ${cmd(p.argv)}\n`;
    });
  } else {
    out = "    PID TTY          TIME CMD\n";
    for (const p of procs) out += `${String(p.pid).padStart(7)} ?        00:00:00 ${comm(p.argv)}\n`;
  }
  ctx.stdout(out);
  return 0;
};

/**
 * su [-lmp] [-s SHELL] [-] [USER [-c CMD [ARG0 [ARGS]]]]: as root no password is asked; the
 * command runs with the user's identity and shell. Without -l the environment is kept but
 * HOME, SHELL (and for a non-root user USER and LOGNAME) are the user's; with -l (or -) it is
 * a login environment in the home directory.
 */
export const su: Applet = async (ctx) => {
  const gnu = ctx.flavour === "gnu";
  let login = false;
  let keep = false;
  let shell: string | undefined;
  let command: string | undefined;
  const rest: string[] = [];
  const args = ctx.args;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === "-" || a === "-l" || a === "--login") login = true;
    else if (a === "-m" || a === "-p" || a === "--preserve-environment") keep = true;
    else if (a === "-s" || a === "--shell") shell = args[++i];
    else if (a.startsWith("--shell=")) shell = a.slice(8);
    else if (a === "-c" || a === "--command") command = args[++i];
    else if (a.startsWith("--command=")) command = a.slice(10);
    else if (a.startsWith("-") && a.length > 1 && !rest.length) {
      ctx.stderr(`su: invalid option -- '${a.slice(1)}'\n`);
      return 1;
    } else rest.push(a);
  }
  const name = rest.shift() ?? "root";
  const db = ctx.accounts();
  const u = db.findUser(name);
  if (!u) {
    ctx.stderr(gnu ? `su: user ${name} does not exist or the user entry does not contain all the required fields\n` : `su: unknown user ${name}\n`);
    return 1;
  }
  if (ctx.creds.uid !== 0) {
    ctx.stderr(gnu ? "su: Authentication failure\n" : "su: incorrect password\n");
    return 1;
  }
  // Only root reaches this point, and root may pick any shell.
  const sh = shell ?? (u.shell || "/bin/sh");
  let env: Record<string, string>;
  if (login) {
    env = { HOME: u.home, SHELL: sh, USER: u.name, LOGNAME: u.name, PATH: u.uid === 0 ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" : "/usr/local/bin:/usr/bin:/bin", ...(ctx.env.TERM ? { TERM: ctx.env.TERM } : {}) };
  } else if (keep) env = { ...ctx.env };
  else {
    env = { ...ctx.env, HOME: u.home, SHELL: sh };
    if (u.uid !== 0 || gnu) Object.assign(env, { USER: u.name, LOGNAME: u.name });
  }
  const argv = [sh, ...(command !== undefined ? ["-c", command] : []), ...rest];
  return asUser(ctx, { uid: u.uid, gid: u.gid, groups: db.memberships(u.name).map((g) => g.gid) }, async () => {
    const r = await ctx.exec(argv, login ? { ...env, PWD: u.home } : env, login ? u.home : undefined);
    ctx.stdout(r.stdout);
    if (r.stderr) ctx.stderr(r.stderr);
    return r.exitCode;
  });
};

/** Run `body` with the step's processes holding another identity (su, runuser). */
async function asUser(ctx: AppletContext, who: { uid: number; gid: number; groups: number[] }, body: () => Promise<number>): Promise<number> {
  const saved = { uid: ctx.creds.uid, gid: ctx.creds.gid, groups: ctx.creds.groups };
  Object.assign(ctx.creds, who);
  try {
    return await body();
  } finally {
    Object.assign(ctx.creds, saved);
  }
}

/**
 * gosu USER[:GROUP] CMD... / su-exec USER[:GROUP] CMD...: exec CMD as USER (the images'
 * entrypoint helpers; RUN lines check them with `gosu nobody true`).
 */
function execAs(name: "gosu" | "su-exec"): Applet {
  return async (ctx) => {
    const [spec, ...argv] = ctx.args;
    if (spec === "--version" || spec === "-v") {
      ctx.stdout(name === "gosu" ? "1.17 (tsbuild)\n" : "");
      return 0;
    }
    if (spec === undefined || argv.length === 0) {
      ctx.stderr(name === "gosu" ? "Usage: gosu user-spec command [args]\n" : "Usage: su-exec user-spec command [args]\n");
      return 1;
    }
    const db = ctx.accounts();
    const [userPart, groupPart] = spec.split(":", 2);
    const u = db.findUser(userPart);
    const uid = u?.uid ?? (/^\d+$/.test(userPart) ? Number(userPart) : undefined);
    if (uid === undefined) {
      ctx.stderr(`error: failed switching to "${spec}": unable to find user ${userPart}: no matching entries in passwd file\n`);
      return 1;
    }
    const g = groupPart === undefined ? undefined : db.findGroup(groupPart);
    const gid = groupPart === undefined ? (u?.gid ?? uid) : (g?.gid ?? (/^\d+$/.test(groupPart) ? Number(groupPart) : undefined));
    if (gid === undefined) {
      ctx.stderr(`error: failed switching to "${spec}": unable to find group ${groupPart}: no matching entries in group file\n`);
      return 1;
    }
    const groups = u && groupPart === undefined ? db.memberships(u.name).map((x) => x.gid) : [];
    const env = { ...ctx.env, HOME: u?.home || "/" };
    return asUser(ctx, { uid, gid, groups }, async () => {
      const r = await ctx.exec(argv, env);
      ctx.stdout(r.stdout);
      if (r.stderr) ctx.stderr(r.stderr);
      return r.exitCode;
    });
  };
}

export const gosu = execAs("gosu");
export const suExec = execAs("su-exec");

/** getconf NAME: the system variables RUN lines ask for (LONG_BIT, PAGESIZE, processors). */
export const getconf: Applet = (ctx) => {
  const values: Record<string, string> = {
    LONG_BIT: "64", WORD_BIT: "32", PAGESIZE: "4096", PAGE_SIZE: "4096", _NPROCESSORS_ONLN: "", _NPROCESSORS_CONF: "",
    ARG_MAX: "2097152", PATH: "/bin:/usr/bin", CHAR_BIT: "8", OPEN_MAX: "1048576",
  };
  const name = ctx.args[0];
  if (name === undefined) {
    ctx.stderr("Usage: getconf [-v specification] variable_name [pathname]\n");
    return 1;
  }
  if (!(name in values)) {
    ctx.stderr(`getconf: Unrecognized variable '${name}'\n`);
    return 1;
  }
  ctx.stdout(`${values[name] || String(nprocessors())}\n`);
  return 0;
};

function nprocessors(): number {
  return availableParallelism();
}
