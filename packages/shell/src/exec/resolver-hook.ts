import { Bash, type FsStat, type IFileSystem } from "just-bash";
import { fsError } from "../util/errors.js";
import { basename, resolvePath } from "../util/paths.js";

/*
 * just-bash resolves a command name by itself: a registered command runs only when a file
 * for it exists at /bin/NAME or /usr/bin/NAME, any other executable file on PATH is parsed
 * as a bash script, and a name it cannot find is "command not found". tsbuild needs the image
 * to decide (a busybox symlink in /sbin, a simulated /sbin/apk, a #! script with more than
 * nine arguments, "/bin/sh: NAME: not found"), and just-bash 3.4 offers no resolver hook.
 *
 * So the filesystem adapter recognises the calls that come from just-bash's resolver and
 * answers them so that resolution always lands on the registry, where every name is bound
 * to tsbuild's dispatcher; the dispatcher then looks the command up in the image itself.
 * The resolver is recognised by its stack frame, learned once per process by running a
 * probe shell over a probe filesystem (see calibrate()). All other callers, including
 * `type`, `command -v`, `hash` and `[ -x ]`, see the filesystem as it is.
 */

let calibration: Promise<string> | undefined;

/** Identity ("function (file") of just-bash's command resolver, learned once. */
export function resolverFrame(): Promise<string> {
  calibration ??= calibrate();
  return calibration;
}

function frameKey(stack: string | undefined): string | undefined {
  const line = stack?.split("\n")[1];
  const m = line?.match(/^\s*at (?:async )?(.*):\d+:\d+\)?$/);
  return m?.[1];
}

/** The frame that called `fn` (which must be on the stack right now). */
function callerOf(fn: (...args: never[]) => unknown): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  Error.captureStackTrace(holder, fn);
  Error.stackTraceLimit = limit;
  return frameKey(holder.stack);
}

async function calibrate(): Promise<string> {
  let seen: string | undefined;
  const enoent = (p: string) => Promise.reject(fsError("ENOENT", "stat", p));
  const probe: IFileSystem = {
    readFile: (p) => enoent(p),
    readFileBuffer: (p) => enoent(p),
    writeFile: async () => {},
    appendFile: async () => {},
    exists: async function exists(p: string) {
      // With nothing on PATH, the resolver's last question is whether /usr/bin exists.
      if (p === "/usr/bin") seen = callerOf(probe.exists);
      return false;
    },
    stat: (p) => enoent(p),
    lstat: (p) => enoent(p),
    mkdir: async () => {},
    readdir: async () => [],
    rm: async () => {},
    cp: async () => {},
    mv: async () => {},
    resolvePath: (base, p) => resolvePath(base, p),
    getAllPaths: () => [],
    chmod: async () => {},
    symlink: async () => {},
    link: async () => {},
    readlink: (p) => enoent(p),
    realpath: async (p) => p,
    utimes: async () => {},
  };
  const bash = new Bash({ fs: probe, cwd: "/", defenseInDepth: false });
  await bash.exec("tsbuild-resolver-probe");
  if (!seen) {
    throw new Error(
      "@tsbuild/shell: could not locate just-bash's command resolver (is just-bash still 3.4.x?); " +
        "commands cannot be resolved through the image",
    );
  }
  return seen;
}

const EXECUTABLE_STAT: FsStat = { isFile: true, isDirectory: false, isSymbolicLink: false, mode: 0o755, size: 0, mtime: new Date(0) };

/**
 * Per-shell state of the interception: which names have a dispatcher registered, and the
 * path a slash-containing command word ("/sbin/apk", "./configure") really named.
 */
export class ResolverHook {
  private explicit?: { token: string; path: string; word: string; name: string };
  private readonly registered = new Set<string>();

  constructor(
    private readonly frame: string,
    private readonly registerName: (name: string) => void,
  ) {}

  /** Make sure `name` has a dispatcher in the just-bash registry. */
  ensure(name: string): void {
    if (!name || this.registered.has(name)) return;
    this.registered.add(name);
    this.registerName(name);
  }

  isResolverCall(method: (...args: never[]) => unknown): boolean {
    return callerOf(method) === this.frame;
  }

  /**
   * A command word with a slash: remember the real path and hand the resolver a stand-in
   * under /usr/bin, the one place where it accepts a registered command.
   */
  resolvePath(base: string, p: string): string {
    const real = resolvePath(base, p);
    const name = basename(real);
    if (!name || real === "/") return real;
    this.ensure(name);
    this.explicit = { token: `/usr/bin/${name}`, path: real, word: p, name };
    return this.explicit.token;
  }

  /** Only the stand-in exists; every PATH candidate and /usr/bin itself do not (so the registry decides). */
  exists(p: string): boolean {
    if (this.explicit?.token === p) return true;
    this.explicit = undefined;
    if (p !== "/usr/bin") this.ensure(basename(p));
    return false;
  }

  stat(p: string): FsStat {
    if (this.explicit?.token === p) return EXECUTABLE_STAT;
    throw fsError("ENOENT", "stat", p);
  }

  /** The path and word of a slash command the resolver just handed to the dispatcher `name`. */
  takeExplicit(name: string): { path: string; word: string } | undefined {
    const e = this.explicit;
    this.explicit = undefined;
    return e && e.name === name ? { path: e.path, word: e.word } : undefined;
  }
}
