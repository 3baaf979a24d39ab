import type { Node, ProcessFs } from "../sandbox/process-fs.js";
import { basename } from "../util/paths.js";

/**
 * Whose implementation a program name stands for: busybox's applets (Alpine, busybox images)
 * or the distribution's own programs (Debian and Ubuntu: GNU coreutils, findutils, sed, tar,
 * gzip, mawk, dash). Options, output formats, messages and exit codes follow it.
 */
export type Flavour = "busybox" | "gnu";

/** The shell a script runs in: busybox ash, Debian's dash, or bash. */
export type ShellKind = "ash" | "dash" | "bash";

/**
 * The image's flavour, for what has no file of its own (shell builtins such as echo and
 * printf): the one of the file /bin/sh resolves to. An image without /bin/sh that has a
 * busybox binary is a busybox image.
 */
export function imageFlavour(fs: ProcessFs): Flavour {
  const sh = fs.tryStat("/bin/sh");
  if (sh?.type === "file") return isBusybox(fs, sh) ? "busybox" : "gnu";
  return fs.tryStat("/bin/busybox")?.type === "file" ? "busybox" : "gnu";
}

const BUSYBOX_FILES = ["/bin/busybox", "/usr/bin/busybox", "/sbin/busybox"];

/**
 * busybox's multi-call binary: the file a name resolves to is named busybox (Alpine's applets are
 * symlinks to it), or is a hard link of the image's busybox (the busybox image's 400 applets,
 * /bin/sh among them, are hard links: their own names).
 */
export function isBusybox(fs: ProcessFs, n: Node): boolean {
  if (basename(n.path) === "busybox") return true;
  if (n.type !== "file" || n.nlink < 2) return false;
  return BUSYBOX_FILES.some((p) => {
    const b = fs.tryStat(p);
    return b?.type === "file" && b.ino === n.ino;
  });
}

/** Which shell an applet name of a flavour is: `sh` is ash in busybox and dash in Debian. */
export function shellKind(applet: string, flavour: Flavour): ShellKind {
  if (flavour === "busybox") return "ash";
  return applet === "bash" ? "bash" : "dash";
}

/**
 * Variables just-bash computes as bash does that are ordinary variables in a POSIX shell:
 * there an ENV or ARG of the same name is seen as set, and an unset one is empty. ash keeps
 * PPID, RANDOM, LINENO and FUNCNAME special (measured against busybox 1.35); dash only PPID.
 */
const BASH_ONLY = ["UID", "EUID", "SECONDS", "BASHPID", "BASH_VERSION", "BASH_LINENO", "BASH_SOURCE"];
const PLAIN: Record<ShellKind, ReadonlySet<string> | undefined> = {
  bash: undefined,
  ash: new Set(BASH_ONLY),
  dash: new Set([...BASH_ONLY, "RANDOM", "LINENO", "FUNCNAME"]),
};

export function plainVariables(kind: ShellKind): ReadonlySet<string> | undefined {
  return PLAIN[kind];
}
