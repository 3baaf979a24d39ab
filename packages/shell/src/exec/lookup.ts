import type { SimCommand } from "../sim-command.js";
import { permits } from "../sandbox/credentials.js";
import type { ProcessFs } from "../sandbox/process-fs.js";
import { basename, joinPath, resolvePath } from "../util/paths.js";
import { isBusybox, type Flavour } from "./flavour.js";

/** What running a file of the image means in the sandbox. */
export type Program =
  | { kind: "missing" }
  | { kind: "denied" }
  | { kind: "sim"; path: string; run: SimCommand }
  | { kind: "script"; path: string; interpreter: string; arg?: string }
  /** Text without #!: execve fails with ENOEXEC and the shell runs the file itself. */
  | { kind: "shell-text"; path: string }
  /** A program tsbuild simulates, as the image's implementation of that name would behave. */
  | { kind: "applet"; path: string; applet: string; flavour: Flavour }
  /** A binary tsbuild has no simulation for. */
  | { kind: "foreign"; path: string };

/** Interpreters a #! line may chain through before the kernel gives up (ELOOP). */
export const MAX_INTERPRETER_DEPTH = 4;

/** The kernel reads at most this much of a `#!` line. */
const SHEBANG_MAX = 256;

/**
 * ash's PATH search: the first regular file named `name` in the PATH directories (an empty
 * entry is the working directory). Execute permission is checked later, at exec time.
 */
export function searchPath(fs: ProcessFs, name: string, pathVar: string, cwd: string): string | undefined {
  for (const dir of pathVar.split(":")) {
    const candidate = resolvePath(cwd, joinPath(dir || ".", name));
    const n = fs.tryStat(candidate);
    if (n?.type === "file") return candidate;
  }
  return undefined;
}

/**
 * Decide how to run the file at `path`, invoked under the name `invoked` (argv[0]).
 * Busybox is recognised by the name of the file it resolves to (applets are symlinks to it), or
 * as a hard link of the image's busybox (see isBusybox).
 */
export function classify(
  fs: ProcessFs,
  path: string,
  invoked: string,
  binaries: Record<string, SimCommand>,
  hasApplet: (name: string) => boolean,
): Program {
  const n = fs.tryStat(path);
  if (!n) return { kind: "missing" };
  if (n.type === "dir" || n.virtual || !permits(fs.creds, n, 1)) return { kind: "denied" };
  const simKey = binaries[path] ? path : binaries[n.path] ? n.path : undefined;
  const invokedName = basename(invoked);
  if (!simKey && isBusybox(fs, n)) return { kind: "applet", path, applet: invokedName, flavour: "busybox" };
  const head = fs.readUpTo(n.path, SHEBANG_MAX);
  if (head[0] === 0x23 && head[1] === 0x21) return parseShebang(path, head);
  if (simKey) return { kind: "sim", path, run: binaries[simKey] };
  // A program file (ELF, or the zero-filled stand-ins simulated packages install) runs as the
  // simulated program of its name; a text file without #! is a script for the shell (ENOEXEC).
  if (isElf(head) || head.includes(0)) {
    // A program of its own (not busybox) is the distribution's: GNU coreutils, dash, bash, ...
    const real = basename(n.path);
    // sh -> dash: the shell is the file's, whatever name it was called by.
    if (SHELL_FILES.has(real)) return { kind: "applet", path, applet: real, flavour: "gnu" };
    if (hasApplet(invokedName)) return { kind: "applet", path, applet: invokedName, flavour: "gnu" };
    if (hasApplet(real)) return { kind: "applet", path, applet: real, flavour: "gnu" };
    return { kind: "foreign", path };
  }
  return { kind: "shell-text", path };
}

const SHELL_FILES = new Set(["dash", "bash"]);

function isElf(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** Linux semantics: the interpreter, then everything after it (trimmed) as one optional argument. */
function parseShebang(path: string, head: Buffer): Program {
  const nl = head.indexOf(0x0a);
  const line = head.subarray(2, nl < 0 ? head.length : nl).toString("utf8").trim();
  const m = line.match(/^(\S+)(?:\s+(.*))?$/);
  if (!m) return { kind: "shell-text", path };
  const arg = m[2]?.trim();
  return { kind: "script", path, interpreter: m[1], arg: arg ? arg : undefined };
}
