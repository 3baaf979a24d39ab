import type { FileSystem } from "@tsbuild/fs-snapshot";

/** One line of /etc/passwd. */
export interface PasswdEntry {
  name: string;
  password: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

/** One line of /etc/group. */
export interface GroupEntry {
  name: string;
  password: string;
  gid: number;
  members: string[];
}

function toId(s: string | undefined): number {
  const n = Number(s);
  return s !== undefined && /^\d+$/.test(s) && Number.isSafeInteger(n) ? n : -1;
}

/** The colon-separated records of an account file, blank lines skipped. */
function records(text: string): string[][] {
  return text.split("\n").map((raw) => raw.trim()).filter((line) => line !== "").map((line) => line.split(":"));
}

export function parsePasswd(text: string): PasswdEntry[] {
  return records(text).map((f) => ({
    name: f[0] ?? "",
    password: f[1] ?? "",
    uid: toId(f[2]),
    gid: toId(f[3]),
    gecos: f[4] ?? "",
    home: f[5] ?? "",
    shell: f[6] ?? "",
  }));
}

export function parseGroup(text: string): GroupEntry[] {
  return records(text).map((f) => ({
    name: f[0] ?? "",
    password: f[1] ?? "",
    gid: toId(f[2]),
    members: (f[3] ?? "").split(",").filter((m) => m !== ""),
  }));
}

/** The text of an account file in the image, or undefined when the image has none. */
export function readAccountFile(fs: FileSystem, path: string): string | undefined {
  try {
    return fs.readFile(path).toString("utf8");
  } catch {
    return undefined;
  }
}

/** The image's users and groups, read once; lookups by name or numeric id. */
export class AccountDb {
  readonly users: PasswdEntry[] | undefined;
  readonly groups: GroupEntry[] | undefined;

  constructor(fs: FileSystem) {
    const passwd = readAccountFile(fs, "/etc/passwd");
    const group = readAccountFile(fs, "/etc/group");
    this.users = passwd === undefined ? undefined : parsePasswd(passwd);
    this.groups = group === undefined ? undefined : parseGroup(group);
  }

  userByName(name: string): PasswdEntry | undefined {
    return this.users?.find((u) => u.name === name);
  }
  userById(uid: number): PasswdEntry | undefined {
    return this.users?.find((u) => u.uid === uid);
  }
  groupByName(name: string): GroupEntry | undefined {
    return this.groups?.find((g) => g.name === name);
  }
  groupById(gid: number): GroupEntry | undefined {
    return this.groups?.find((g) => g.gid === gid);
  }
  /** A user given as a name or a number: the number wins only when no user has that name. */
  findUser(spec: string): PasswdEntry | undefined {
    return this.userByName(spec) ?? (/^\d+$/.test(spec) ? this.userById(Number(spec)) : undefined);
  }
  findGroup(spec: string): GroupEntry | undefined {
    return this.groupByName(spec) ?? (/^\d+$/.test(spec) ? this.groupById(Number(spec)) : undefined);
  }
  /** Groups that list `user` as a member (the supplementary groups). */
  memberships(user: string): GroupEntry[] {
    return this.groups?.filter((g) => g.members.includes(user)) ?? [];
  }
}
