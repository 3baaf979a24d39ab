import type { FileSystem } from "@tsbuild/fs-snapshot";
import { parseGroup, parsePasswd, readAccountFile } from "./account-files.js";

/** Who a RUN step runs as: the USER of the image resolved against its account files. */
export interface ExecUser {
  uid: number;
  gid: number;
  /** Supplementary groups (only when USER named no group, as runc does). */
  groups: number[];
  /** Home directory from /etc/passwd, "/" when the user has no entry. */
  home: string;
  /** The passwd name, when the user has an entry. */
  name?: string;
}

/** USER could not be resolved; the message is Docker's (runc's) wording. */
export class UserLookupError extends Error {}

const MAX_ID = 2 ** 31 - 1;

/**
 * Resolve USER ("", "name", "uid", "name:group", "uid:gid") the way runc's GetExecUser does:
 * the user by name, or by number (a number needs no passwd entry); an explicit group by name
 * or number (a number needs no group entry); otherwise supplementary groups from /etc/group.
 */
export function resolveExecUser(fs: FileSystem, spec: string): ExecUser {
  const [userArg = "", groupArg = ""] = splitOnce(spec.trim(), ":");
  const passwdText = readAccountFile(fs, "/etc/passwd");
  const groupText = readAccountFile(fs, "/etc/group");
  const users = passwdText === undefined ? [] : parsePasswd(passwdText);
  const groups = groupText === undefined ? [] : parseGroup(groupText);
  const uidArg = /^\d+$/.test(userArg) ? Number(userArg) : undefined;
  const gidArg = /^\d+$/.test(groupArg) ? Number(groupArg) : undefined;

  const result: ExecUser = { uid: 0, gid: 0, groups: [], home: "/" };
  const matched = users.find((u) =>
    userArg === "" ? u.uid === 0 : uidArg !== undefined ? u.uid === uidArg : u.name === userArg,
  );
  if (matched) {
    result.uid = matched.uid;
    result.gid = matched.gid;
    result.home = matched.home;
    result.name = matched.name;
  } else if (userArg !== "") {
    if (uidArg === undefined) {
      throw new UserLookupError(`unable to find user ${userArg}: no matching entries in passwd file`);
    }
    if (uidArg > MAX_ID) throw new UserLookupError(`uids and gids must be in range 0-${MAX_ID}`);
    result.uid = uidArg;
  }

  if (groupArg !== "") {
    const g = groups.find((x) => (gidArg !== undefined ? x.gid === gidArg : x.name === groupArg));
    if (g) result.gid = g.gid;
    else if (gidArg !== undefined) {
      if (gidArg > MAX_ID) throw new UserLookupError(`uids and gids must be in range 0-${MAX_ID}`);
      result.gid = gidArg;
    } else {
      throw new UserLookupError(`unable to find group ${groupArg}: no matching entries in group file`);
    }
  } else if (result.name !== undefined) {
    const name = result.name;
    result.groups = groups.filter((g) => g.members.includes(name)).map((g) => g.gid);
  }
  return result;
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}
