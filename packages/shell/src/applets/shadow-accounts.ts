import type { AccountDb } from "../users/account-files.js";
import { addMember, appendLine, daysSinceEpoch, readText, replaceAccountFile } from "../users/account-edit.js";
import { describeError } from "../util/errors.js";
import { joinPath } from "../util/paths.js";
import { type Applet, type AppletContext, fail } from "./applet.js";
import { appletOptions } from "./options.js";
import { copySkeleton } from "./skel.js";

/** An error of a shadow-utils tool, with that tool's exit status. */
class ShadowError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Settings of /etc/login.defs and /etc/default/useradd, with shadow-utils' built-in defaults. */
class ShadowConfig {
  private readonly defs = new Map<string, string>();
  private readonly useradd = new Map<string, string>();

  constructor(ctx: AppletContext) {
    for (const line of (readText(ctx.fs, "/etc/login.defs") ?? "").split("\n")) {
      const m = line.match(/^\s*([A-Z_]+)\s+(\S+)/);
      if (m) this.defs.set(m[1], m[2].replace(/^"(.*)"$/, "$1"));
    }
    for (const line of (readText(ctx.fs, "/etc/default/useradd") ?? "").split("\n")) {
      const m = line.match(/^\s*([A-Z_]+)=(.*)$/);
      if (m) this.useradd.set(m[1], m[2].trim().replace(/^"(.*)"$/, "$1"));
    }
  }

  num(key: string, dflt: number): number {
    const v = this.defs.get(key);
    return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : v !== undefined && /^0[0-7]+$/.test(v) ? parseInt(v, 8) : dflt;
  }
  bool(key: string): boolean {
    return this.defs.get(key)?.toLowerCase() === "yes";
  }
  has(key: string): boolean {
    return this.defs.has(key);
  }
  str(key: string): string | undefined {
    return this.defs.get(key);
  }
  default(key: string): string | undefined {
    return this.useradd.get(key);
  }
  umask(): number {
    const v = this.defs.get("UMASK");
    return v !== undefined && /^[0-7]+$/.test(v) ? parseInt(v, 8) : 0o022;
  }
}

interface Range {
  min: number;
  max: number;
  system: boolean;
}

function idRange(cfg: ShadowConfig, kind: "UID" | "GID", system: boolean): Range {
  const min = cfg.num(`${kind}_MIN`, 1000);
  if (system) return { min: cfg.num(`SYS_${kind}_MIN`, 101), max: cfg.num(`SYS_${kind}_MAX`, min - 1), system };
  return { min, max: cfg.num(`${kind}_MAX`, 60000), system };
}

/** shadow-utils picks the id after the highest in use for normal accounts, the highest free one for system accounts. */
function pickId(range: Range, used: (id: number) => boolean, prefer?: number): number | undefined {
  if (prefer !== undefined && prefer >= range.min && prefer <= range.max && !used(prefer)) return prefer;
  if (range.system) {
    for (let id = range.max; id >= range.min; id--) if (!used(id)) return id;
    return undefined;
  }
  let highest: number | undefined;
  for (let id = range.max; id >= range.min; id--) {
    if (used(id)) {
      highest = id;
      break;
    }
  }
  if (highest === undefined) return range.min;
  if (highest < range.max) return highest + 1;
  for (let id = range.min; id <= range.max; id++) if (!used(id)) return id;
  return undefined;
}

function edit(ctx: AppletContext, path: string, change: (text: string) => string, optional: boolean): void {
  const text = readText(ctx.fs, path);
  if (text === undefined) {
    if (optional) return;
    throw new ShadowError(`cannot open ${path}`, 10);
  }
  replaceAccountFile(ctx.fs, path, change(text), "copy");
}

/** lckpwdf(3) leaves /etc/.pwd.lock behind. */
function lockPasswdFiles(ctx: AppletContext): void {
  if (!ctx.fs.tryLstat("/etc/.pwd.lock")) ctx.fs.writeFile("/etc/.pwd.lock", Buffer.alloc(0), { mode: 0o600 });
}

function addGroupEntry(ctx: AppletContext, name: string, gid: number): void {
  edit(ctx, "/etc/group", (t) => appendLine(t, `${name}:x:${gid}:`), false);
  edit(ctx, "/etc/gshadow", (t) => appendLine(t, `${name}:!::`), true);
}

/** Next free subordinate id range (start, 65536 ids) in /etc/subuid or /etc/subgid. */
function addSubordinate(ctx: AppletContext, path: string, name: string): void {
  const text = readText(ctx.fs, path);
  if (text === undefined) return;
  let start = 100000;
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f.length === 3 && /^\d+$/.test(f[1]) && /^\d+$/.test(f[2])) start = Math.max(start, Number(f[1]) + Number(f[2]));
  }
  edit(ctx, path, (t) => appendLine(t, `${name}:${start}:65536`), true);
}

function groupId(db: AccountDb, spec: string): number | undefined {
  return db.findGroup(spec)?.gid;
}

/** groupadd [-r] [-f] [-o] [-g GID] GROUP */
export const groupadd: Applet = (ctx) => {
  if (ctx.creds.uid !== 0) return fail(ctx, "groupadd", "Permission denied.", 10);
  const parsed = appletOptions(ctx, "groupadd", { flags: "rfo", values: "gKpP", long: { "gid=": "g", system: "r", force: "f", "non-unique": "o", "key=": "K", "password=": "p" } }, { status: 2 });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  if (operands.length !== 1) return fail(ctx, "groupadd", "usage: groupadd [options] GROUP", 2);
  const name = operands[0];
  const db = ctx.accounts();
  const cfg = new ShadowConfig(ctx);
  if (db.groupByName(name)) {
    if (opts.has("f")) return 0;
    return fail(ctx, "groupadd", `group '${name}' already exists`, 9);
  }
  const g = opts.get("g");
  let gid: number | undefined;
  if (typeof g === "string") {
    if (!/^\d+$/.test(g)) return fail(ctx, "groupadd", `invalid group ID '${g}'`, 3);
    gid = Number(g);
    if (db.groupById(gid) && !opts.has("o")) {
      if (!opts.has("f")) return fail(ctx, "groupadd", `GID '${gid}' already exists`, 4);
      gid = undefined;
    }
  }
  gid ??= pickId(idRange(cfg, "GID", opts.has("r")), (id) => db.groupById(id) !== undefined);
  if (gid === undefined) return fail(ctx, "groupadd", "Can't get unique GID (no more available GIDs)", 4);
  try {
    addGroupEntry(ctx, name, gid);
    return 0;
  } catch (e) {
    return e instanceof ShadowError ? fail(ctx, "groupadd", e.message, e.status) : fail(ctx, "groupadd", describeError(e), 10);
  }
};

/**
 * useradd [-r] [-m|-M] [-N|-U] [-u UID [-o]] [-g GROUP] [-G G1,G2] [-d HOME] [-b BASE] [-s SHELL]
 * [-c COMMENT] [-k SKEL] [-l] [-p PASS] LOGIN, driven by /etc/login.defs and /etc/default/useradd.
 */
export const useradd: Applet = (ctx) => {
  if (ctx.creds.uid !== 0) return fail(ctx, "useradd", "Permission denied.", 1);
  const parsed = appletOptions(ctx, "useradd", {
    flags: "rmMNUolD",
    values: "ugGdbsckpefKR",
    long: {
      system: "r", "create-home": "m", "no-create-home": "M", "no-user-group": "N", "user-group": "U",
      "non-unique": "o", "no-log-init": "l", "uid=": "u", "gid=": "g", "groups=": "G", "home-dir=": "d",
      "base-dir=": "b", "shell=": "s", "comment=": "c", "skel=": "k", "password=": "p", "expiredate=": "e",
      "inactive=": "f", "key=": "K",
    },
  }, { status: 2 });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  if (operands.length !== 1) return fail(ctx, "useradd", "usage: useradd [options] LOGIN", 2);
  const name = operands[0];
  const str = (k: string) => (typeof opts.get(k) === "string" ? (opts.get(k) as string) : undefined);
  const db = ctx.accounts();
  const cfg = new ShadowConfig(ctx);
  const system = opts.has("r");
  try {
    if (db.userByName(name)) throw new ShadowError(`user '${name}' already exists`, 9);

    let gid: number | undefined;
    const gOpt = str("g");
    if (gOpt !== undefined) {
      gid = groupId(db, gOpt) ?? (/^\d+$/.test(gOpt) && db.groupById(Number(gOpt)) ? Number(gOpt) : undefined);
      if (gid === undefined) throw new ShadowError(`group '${gOpt}' does not exist`, 6);
    }
    const supplementary = (str("G") ?? "").split(",").filter(Boolean);
    for (const g of supplementary) if (!db.findGroup(g)) throw new ShadowError(`group '${g}' does not exist`, 6);
    const userGroup = gOpt === undefined && (opts.has("U") || (!opts.has("N") && cfg.bool("USERGROUPS_ENAB")));
    if (userGroup && db.groupByName(name)) {
      throw new ShadowError(`group ${name} exists - if you want to add this user to that group, use -g.`, 9);
    }

    let uid: number | undefined;
    const uOpt = str("u");
    if (uOpt !== undefined) {
      if (!/^\d+$/.test(uOpt)) throw new ShadowError(`invalid user ID '${uOpt}'`, 3);
      uid = Number(uOpt);
      if (db.userById(uid) && !opts.has("o")) throw new ShadowError(`UID ${uid} is not unique`, 4);
    }
    uid ??= pickId(idRange(cfg, "UID", system), (id) => db.userById(id) !== undefined);
    if (uid === undefined) throw new ShadowError("can't create user: no more available UIDs", 4);
    if (userGroup) {
      gid = pickId(idRange(cfg, "GID", system), (id) => db.groupById(id) !== undefined, uid);
      if (gid === undefined) throw new ShadowError("can't create group: no more available GIDs", 4);
    }
    gid ??= Number(cfg.default("GROUP") ?? 100) || 100;

    const base = str("b") ?? cfg.default("HOME") ?? "/home";
    const home = str("d") ?? joinPath(base, name);
    const shell = str("s") ?? cfg.default("SHELL") ?? "/bin/bash";
    const comment = str("c") ?? "";
    const password = str("p") ?? "!";

    lockPasswdFiles(ctx);
    edit(ctx, "/etc/passwd", (t) => appendLine(t, `${name}:x:${uid}:${gid}:${comment}:${home}:${shell}`), false);
    const aging = system
      ? "::::::"
      : `:${cfg.str("PASS_MIN_DAYS") ?? ""}:${cfg.str("PASS_MAX_DAYS") ?? ""}:${cfg.str("PASS_WARN_AGE") ?? ""}:::`;
    edit(ctx, "/etc/shadow", (t) => appendLine(t, `${name}:${password}:${daysSinceEpoch(ctx.now().getTime())}${aging}`), true);
    if (userGroup) addGroupEntry(ctx, name, gid);
    for (const g of supplementary) {
      const groupName = db.findGroup(g)?.name as string;
      edit(ctx, "/etc/group", (t) => addMember(t, groupName, name), false);
      edit(ctx, "/etc/gshadow", (t) => addMember(t, groupName, name), true);
    }
    if (!system) {
      addSubordinate(ctx, "/etc/subuid", name);
      addSubordinate(ctx, "/etc/subgid", name);
    }
    const createHome = opts.has("m") || (!opts.has("M") && !system && cfg.bool("CREATE_HOME"));
    if (createHome) makeHome(ctx, cfg, home, uid, gid, str("k") ?? cfg.default("SKEL") ?? "/etc/skel");
    return 0;
  } catch (e) {
    return e instanceof ShadowError ? fail(ctx, "useradd", e.message, e.status) : fail(ctx, "useradd", describeError(e), 1);
  }
};

/** The home directory: HOME_MODE (or 0777 & ~UMASK), owned by the user, with the skeleton copied in. */
function makeHome(ctx: AppletContext, cfg: ShadowConfig, home: string, uid: number, gid: number, skel: string): void {
  const fs = ctx.fs;
  const path = ctx.resolve(home);
  if (fs.tryLstat(path)) {
    ctx.stderr(`useradd: warning: the home directory ${home} already exists.\nuseradd: Not copying any file from skel directory into it.\n`);
    return;
  }
  const mode = cfg.has("HOME_MODE") ? cfg.num("HOME_MODE", 0o755) : 0o777 & ~cfg.umask();
  fs.mkdir(path, { parents: true, mode });
  fs.chown(path, { uid, gid });
  fs.chmod(path, mode);
  const skelDir = ctx.resolve(skel);
  // Skeleton files keep their modes and times and become the user's.
  if (fs.tryStat(skelDir)?.type === "dir") {
    copySkeleton(ctx, skelDir, path, (p, source) => {
      fs.chown(p, { uid, gid }, { noFollow: true });
      if (source.type !== "symlink") fs.utimes(p, source.mtime, source.mtime);
    });
  }
}

/** usermod [-a] [-G G1,G2] [-g GROUP] [-s SHELL] [-d HOME] [-c COMMENT] LOGIN: the edits Dockerfiles make. */
export const usermod: Applet = (ctx) => {
  if (ctx.creds.uid !== 0) return fail(ctx, "usermod", "Permission denied.", 1);
  const parsed = appletOptions(ctx, "usermod", {
    flags: "am",
    values: "Ggsdcul",
    long: { append: "a", "groups=": "G", "gid=": "g", "shell=": "s", "home=": "d", "comment=": "c", "uid=": "u", "login=": "l", "move-home": "m" },
  }, { status: 2 });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  if (operands.length !== 1) return fail(ctx, "usermod", "usage: usermod [options] LOGIN", 2);
  const name = operands[0];
  const db = ctx.accounts();
  const user = db.userByName(name);
  if (!user) return fail(ctx, "usermod", `user '${name}' does not exist`, 6);
  const str = (k: string) => (typeof opts.get(k) === "string" ? (opts.get(k) as string) : undefined);
  try {
    const fields = { uid: user.uid, gid: user.gid, gecos: user.gecos, home: user.home, shell: user.shell };
    const g = str("g");
    if (g !== undefined) {
      const gid = groupId(db, g);
      if (gid === undefined) throw new ShadowError(`group '${g}' does not exist`, 6);
      fields.gid = gid;
    }
    const u = str("u");
    if (u !== undefined) fields.uid = Number(u);
    fields.shell = str("s") ?? fields.shell;
    fields.home = str("d") ?? fields.home;
    fields.gecos = str("c") ?? fields.gecos;
    const changed = g !== undefined || u !== undefined || opts.has("s") || opts.has("d") || opts.has("c");
    lockPasswdFiles(ctx);
    if (changed) {
      const line = `${name}:${user.password}:${fields.uid}:${fields.gid}:${fields.gecos}:${fields.home}:${fields.shell}`;
      edit(ctx, "/etc/passwd", (t) => t.split("\n").map((l) => (l.startsWith(`${name}:`) ? line : l)).join("\n"), false);
    }
    const groups = str("G");
    if (groups !== undefined) {
      const wanted = groups.split(",").filter(Boolean);
      for (const w of wanted) if (!db.findGroup(w)) throw new ShadowError(`group '${w}' does not exist`, 6);
      const names = wanted.map((w) => db.findGroup(w)?.name as string);
      const rewrite = (text: string, memberField: number) =>
        text
          .split("\n")
          .map((l) => {
            const f = l.split(":");
            if (f.length <= memberField) return l;
            const members = f[memberField].split(",").filter(Boolean);
            const isWanted = names.includes(f[0]);
            const has = members.includes(name);
            if (isWanted && !has) members.push(name);
            else if (!isWanted && has && !opts.has("a")) members.splice(members.indexOf(name), 1);
            else return l;
            f[memberField] = members.join(",");
            return f.join(":");
          })
          .join("\n");
      edit(ctx, "/etc/group", (t) => rewrite(t, 3), false);
      edit(ctx, "/etc/gshadow", (t) => rewrite(t, 3), true);
    }
    return 0;
  } catch (e) {
    return e instanceof ShadowError ? fail(ctx, "usermod", e.message, e.status) : fail(ctx, "usermod", describeError(e), 1);
  }
};
