import type { AccountDb } from "../users/account-files.js";
import { addMember, appendLine, daysSinceEpoch, readText, replaceAccountFile } from "../users/account-edit.js";
import { describeError } from "../util/errors.js";
import { type Applet, type AppletContext, fail } from "./applet.js";
import { appletOptions } from "./options.js";
import { copySkeleton } from "./skel.js";

/** busybox's id ranges (CONFIG_FIRST_SYSTEM_ID, CONFIG_LAST_SYSTEM_ID, CONFIG_LAST_ID). */
const FIRST_SYSTEM_ID = 100;
const LAST_SYSTEM_ID = 999;
const LAST_ID = 60000;

class AccountError extends Error {}

function needRoot(ctx: AppletContext, name: string): number | undefined {
  return ctx.creds.uid === 0 ? undefined : fail(ctx, name, "permission denied (are you root?)");
}

function edit(ctx: AppletContext, path: string, change: (text: string) => string, optional: boolean): void {
  const text = readText(ctx.fs, path);
  if (text === undefined) {
    if (optional) return;
    throw new AccountError(`can't open '${path}': No such file or directory`);
  }
  replaceAccountFile(ctx.fs, path, change(text), "hardlink");
}

/** The new group of addgroup: GID as asked, or the first free one of the range. */
function newGroup(ctx: AppletContext, name: string, gid: number | undefined, system: boolean): void {
  const db = ctx.accounts();
  if (db.groupByName(name)) throw new AccountError(`group '${name}' in use`);
  let id = gid ?? (system ? FIRST_SYSTEM_ID : LAST_SYSTEM_ID + 1);
  const max = gid !== undefined ? Number.MAX_SAFE_INTEGER : system ? LAST_SYSTEM_ID : LAST_ID;
  while (db.groupById(id)) {
    if (gid !== undefined) throw new AccountError(`gid '${id}' in use`);
    if (id === max) throw new AccountError("no gids left");
    id++;
  }
  edit(ctx, "/etc/group", (t) => appendLine(t, `${name}:x:${id}:`), false);
  edit(ctx, "/etc/gshadow", (t) => appendLine(t, `${name}:!::`), true);
}

function addUserToGroup(ctx: AppletContext, user: string, group: string): void {
  const db = ctx.accounts();
  if (!db.userByName(user)) throw new AccountError(`unknown user ${user}`);
  const g = db.groupByName(group);
  if (!g) throw new AccountError(`unknown group ${group}`);
  if (g.members.includes(user)) return;
  edit(ctx, "/etc/group", (t) => addMember(t, group, user), false);
  edit(ctx, "/etc/gshadow", (t) => addMember(t, group, user), true);
}

/** busybox addgroup [-g GID] [-S] [USER] GROUP */
export const addgroup: Applet = (ctx) => {
  const denied = needRoot(ctx, "addgroup");
  if (denied !== undefined) return denied;
  const parsed = appletOptions(ctx, "addgroup", { flags: "S", values: "g", long: { "gid=": "g", system: "S" } });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  if (operands.length < 1 || operands.length > 2) return fail(ctx, "addgroup", "usage: addgroup [-g GID] [-S] [USER] GROUP");
  try {
    if (operands.length === 2) {
      if (opts.has("g")) return fail(ctx, "addgroup", "usage: addgroup [-g GID] [-S] [USER] GROUP");
      addUserToGroup(ctx, operands[0], operands[1]);
    } else {
      const g = opts.get("g");
      const gid = typeof g === "string" ? Number(g) : undefined;
      if (gid !== undefined && (!/^\d+$/.test(g as string) || gid > LAST_ID)) return fail(ctx, "addgroup", `invalid number '${g}'`);
      newGroup(ctx, operands[0], gid, opts.has("S"));
    }
    return 0;
  } catch (e) {
    return fail(ctx, "addgroup", e instanceof AccountError ? e.message : describeError(e));
  }
};

/** busybox adduser [-h DIR] [-g GECOS] [-s SHELL] [-G GRP] [-S] [-D] [-H] [-u UID] [-k SKEL] USER [GROUP] */
export const adduser: Applet = (ctx) => {
  const denied = needRoot(ctx, "adduser");
  if (denied !== undefined) return denied;
  const parsed = appletOptions(ctx, "adduser", {
    flags: "DSH",
    values: "hgsGuk",
    long: {
      "home=": "h", "gecos=": "g", "shell=": "s", "ingroup=": "G", "disabled-password": "D",
      "empty-password": "D", system: "S", "no-create-home": "H", "uid=": "u", "skel=": "k",
    },
  });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  if (operands.length < 1 || operands.length > 2) return fail(ctx, "adduser", "usage: adduser [OPTIONS] USER [GROUP]");
  const name = operands[0];
  const str = (k: string) => (typeof opts.get(k) === "string" ? (opts.get(k) as string) : undefined);
  try {
    if (opts.size === 0 && operands[1] !== undefined) {
      addUserToGroup(ctx, name, operands[1]);
      return 0;
    }
    const system = opts.has("S");
    const db = ctx.accounts();
    let group = str("G");
    if (system && group === undefined) group = "nogroup";
    let gid: number | undefined;
    if (group !== undefined) {
      const g = db.findGroup(group);
      if (!g) throw new AccountError(`unknown group ${group}`);
      gid = g.gid;
    }
    const shell = str("s") ?? (system ? "/bin/false" : loginShell(ctx, db));
    const home = str("h") ?? `/home/${name}`;
    const gecos = str("g") ?? "Linux User,,,";

    if (db.userByName(name)) throw new AccountError(`user '${name}' in use`);
    const uidOpt = str("u");
    let uid = uidOpt !== undefined ? Number(uidOpt) : system ? FIRST_SYSTEM_ID : LAST_SYSTEM_ID + 1;
    if (uidOpt !== undefined && (!/^\d+$/.test(uidOpt) || uid > LAST_ID)) throw new AccountError(`invalid number '${uidOpt}'`);
    const max = system && uidOpt === undefined ? LAST_SYSTEM_ID : LAST_ID;
    while (db.userById(uid) || (gid === undefined && db.groupById(uid))) {
      if (uidOpt !== undefined) throw new AccountError(`uid '${uid}' in use`);
      if (uid === max) throw new AccountError("no uids left");
      uid++;
    }
    if (gid === undefined) {
      gid = uid;
      if (db.groupByName(name)) throw new AccountError(`group '${name}' in use`);
    }

    edit(ctx, "/etc/passwd", (t) => appendLine(t, `${name}:x:${uid}:${gid}:${gecos}:${home}:${shell}`), false);
    edit(ctx, "/etc/shadow", (t) => appendLine(t, `${name}:!:${daysSinceEpoch(ctx.now().getTime())}:0:99999:7:::`), true);
    if (group !== undefined) addUserToGroup(ctx, name, group);
    else newGroup(ctx, name, gid, false);

    if (!opts.has("H")) makeHome(ctx, home, uid, gid, str("k"));
    if (!opts.has("D") && !system) {
      // adduser then runs passwd, which reads the new password from stdin; a build has none.
      ctx.stdout(`Changing password for ${name}\nNew password: `);
      return fail(ctx, "passwd", `password for ${name} is unchanged`);
    }
    return 0;
  } catch (e) {
    return fail(ctx, "adduser", e instanceof AccountError ? e.message : describeError(e));
  }
};

/** New users inherit the caller's shell: $SHELL, else the caller's passwd shell, else /bin/sh. */
function loginShell(ctx: AppletContext, db: AccountDb): string {
  if (ctx.env.SHELL) return ctx.env.SHELL;
  return db.userById(ctx.creds.uid)?.shell || "/bin/sh";
}

/** mkdir 0755 (umask cleared), copy the skeleton in, chown -R, then chmod 02755 as busybox does. */
function makeHome(ctx: AppletContext, home: string, uid: number, gid: number, skel: string | undefined): void {
  const fs = ctx.fs;
  const path = ctx.resolve(home);
  let created = false;
  try {
    fs.mkdir(path, { mode: 0o755 });
    created = true;
  } catch (e) {
    if (!fs.tryLstat(path)) {
      ctx.stderr(`adduser: ${home}: ${describeError(e)}\n`);
      return;
    }
  }
  if (created) {
    const skelDir = ctx.resolve(skel ?? "/etc/skel");
    if (fs.tryStat(skelDir)?.type === "dir") copySkeleton(ctx, skelDir, path, (p) => fs.chown(p, { uid, gid }, { noFollow: true }));
  }
  fs.chown(path, { uid, gid });
  fs.chmod(path, 0o2755);
}
