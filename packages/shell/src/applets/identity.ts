import type { AccountDb } from "../users/account-files.js";
import { type Applet, type AppletContext, fail } from "./applet.js";
import { appletOptions } from "./options.js";

interface Identity {
  uid: number;
  gid: number;
  groups: number[];
}

/** The process's identity, or a named user's (primary group first, then memberships). */
function identityOf(ctx: AppletContext, db: AccountDb, user: string | undefined): Identity | undefined {
  if (user === undefined) {
    const { uid, gid, groups } = ctx.creds;
    return { uid, gid, groups: unique([gid, ...groups]) };
  }
  const u = db.findUser(user);
  if (!u) return undefined;
  return { uid: u.uid, gid: u.gid, groups: unique([u.gid, ...db.memberships(u.name).map((g) => g.gid)]) };
}

function unique(ids: number[]): number[] {
  return [...new Set(ids)];
}

const userName = (db: AccountDb, uid: number) => db.userById(uid)?.name;
const groupName = (db: AccountDb, gid: number) => db.groupById(gid)?.name;
const withName = (id: number, name: string | undefined) => (name === undefined ? `${id}` : `${id}(${name})`);

/** id [-u|-g|-G] [-nr] [USER] */
export const id: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "id", { flags: "ugGnrZ", long: { user: "u", group: "g", groups: "G", name: "n", real: "r" } });
  if (typeof parsed === "number") return parsed;
  const { opts, operands } = parsed;
  const db = ctx.accounts();
  const who = identityOf(ctx, db, operands[0]);
  if (!who) return fail(ctx, "id", `unknown user ${operands[0]}`);
  const names = opts.has("n");
  const show = (id: number, name: string | undefined) => (names ? (name ?? `${id}`) : `${id}`);
  if (opts.has("u")) ctx.stdout(`${show(who.uid, userName(db, who.uid))}\n`);
  else if (opts.has("g")) ctx.stdout(`${show(who.gid, groupName(db, who.gid))}\n`);
  else if (opts.has("G")) ctx.stdout(`${who.groups.map((g) => show(g, groupName(db, g))).join(" ")}\n`);
  else {
    ctx.stdout(
      `uid=${withName(who.uid, userName(db, who.uid))} gid=${withName(who.gid, groupName(db, who.gid))} ` +
        `groups=${who.groups.map((g) => withName(g, groupName(db, g))).join(",")}\n`,
    );
  }
  return 0;
};

export const whoami: Applet = (ctx) => {
  const name = userName(ctx.accounts(), ctx.creds.uid);
  if (name === undefined) return fail(ctx, "whoami", `unknown uid ${ctx.creds.uid}`);
  ctx.stdout(`${name}\n`);
  return 0;
};

export const groups: Applet = (ctx) => {
  const db = ctx.accounts();
  const who = identityOf(ctx, db, ctx.args[0]);
  if (!who) return fail(ctx, "groups", `unknown user ${ctx.args[0]}`);
  ctx.stdout(`${who.groups.map((g) => groupName(db, g) ?? `${g}`).join(" ")}\n`);
  return 0;
};
