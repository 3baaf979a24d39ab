import { getCommandNames } from "just-bash";
import type { Applet } from "./applet.js";
import { addgroup, adduser } from "./busybox-accounts.js";
import { cat } from "./cat.js";
import { chgrp, chown } from "./chown.js";
import { chmod } from "./chmod.js";
import { cp } from "./cp.js";
import { dd } from "./dd.js";
import { env, printenv } from "./env.js";
import { head, tail } from "./head.js";
import { cut } from "./cut.js";
import { tr } from "./tr.js";
import { uniq } from "./uniq.js";
import { cmp } from "./cmp.js";
import { echo } from "./echo.js";
import { groups, id, whoami } from "./identity.js";
import { install } from "./install.js";
import { ln } from "./ln.js";
import { ls } from "./ls.js";
import { link, realpath, sync, trap, umask, unlink, which } from "./misc.js";
import { mkdir } from "./mkdir.js";
import { mktemp } from "./mktemp.js";
import { mv } from "./mv.js";
import { rm } from "./rm.js";
import { rmdir } from "./rmdir.js";
import { updateCaCertificates } from "./update-ca-certificates.js";
import { groupadd, useradd, usermod } from "./shadow-accounts.js";
import { stat } from "./stat.js";
import { arch, hostname, nproc, uname } from "./system-info.js";
import { touch } from "./touch.js";
import { tar } from "./tar.js";
import { truncate } from "./truncate.js";
import { fallocate } from "./fallocate.js";
import { md5sum, sha1sum, sha224sum, sha256sum, sha384sum, sha512sum } from "./sums.js";
import { sort } from "./sort.js";
import { wc, yes } from "./text.js";
import { xargs } from "./xargs.js";
import { find } from "./find.js";
import { gunzip, gzip, zcat } from "./gzip.js";
import { getent } from "./getent.js";
import { getconf, gosu, ps, su, suExec } from "./process.js";

/** How an applet name is run. */
export type AppletEntry =
  /** tsbuild's own implementation over the sandbox. */
  | { kind: "own"; run: Applet }
  /** just-bash's command of the same name (cat, sed, sort, ...). */
  | { kind: "bundled" }
  /** A POSIX shell: just-bash's interpreter. */
  | { kind: "shell" }
  /** busybox itself: the applet is its first argument. */
  | { kind: "multicall" };

const OWN: Record<string, Applet> = {
  addgroup, adduser, arch, cat, chgrp, chmod, chown, cp, dd, env, fallocate, groupadd, groups, head, hostname, id,
  install, link, ln, ls, mkdir, mktemp, mv, nproc, printenv, realpath, rm, rmdir, stat, sync, tar, touch, trap, truncate, umask,
  uname, unlink, "update-ca-certificates": updateCaCertificates, useradd, usermod, which, whoami,
  md5sum, sha1sum, sha224sum, sha256sum, sha384sum, sha512sum, sort, wc, xargs, yes, find, gzip, gunzip, zcat, getent, ps, su, gosu, "su-exec": suExec, getconf, tail, cut, tr, uniq, cmp, echo,
};

const SHELLS = new Set(["sh", "ash", "bash", "dash"]);

/** just-bash commands that are not programs of a Linux image. */
const NOT_PROGRAMS = new Set(["help", "html-to-markdown", "js-exec", "python", "python3", "sqlite3", "xan", "rg"]);

const BUNDLED = new Set(getCommandNames().filter((n) => !(n in OWN) && !SHELLS.has(n) && !NOT_PROGRAMS.has(n)));

/**
 * Builtins of busybox ash that just-bash runs as commands: they work whatever the image's
 * PATH holds (a shell needs no /bin/echo).
 */
export const SHELL_BUILTIN_COMMANDS = new Set(["echo", "printf", "pwd", "umask", "trap", "alias", "unalias", "history"]);

export function appletEntry(name: string): AppletEntry | undefined {
  if (Object.hasOwn(OWN, name)) return { kind: "own", run: OWN[name] };
  if (SHELLS.has(name)) return { kind: "shell" };
  if (name === "busybox") return { kind: "multicall" };
  if (BUNDLED.has(name)) return { kind: "bundled" };
  return undefined;
}

export function hasApplet(name: string): boolean {
  return appletEntry(name) !== undefined;
}

/** Every name tsbuild can run, for `busybox --list` and for registering dispatchers up front. */
export function appletNames(): string[] {
  return [...new Set([...Object.keys(OWN), ...SHELLS, "busybox", ...BUNDLED])].sort();
}
