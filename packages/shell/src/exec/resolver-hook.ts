import type { FsStat, IFileSystem } from "just-bash";
import { fsError } from "../util/errors.js";
import { basename, resolvePath } from "../util/paths.js";

/*
 * just-bash resolves a command name by itself: a registered command runs only when a file
 * for it exists at /bin/NAME or /usr/bin/NAME, any other executable file on PATH is parsed
 * as a bash script, and a name it cannot find is "command not found". tsbuild needs the image
 * to decide (a busybox symlink in /sbin, a simulated /sbin/apk, a #! script with more than
 * nine arguments, "/bin/sh: NAME: not found"), and just-bash 3.4 offers no resolver hook.
 *
 * So the just-bash patch makes its command resolver (and only it) ask the filesystem's
 * `tsbuildResolver` instead of the filesystem, and that answers so that resolution always
 * lands on the registry, where every name is bound to tsbuild's dispatcher; the dispatcher
 * then looks the command up in the image itself. All other callers, including `type`,
 * `command -v`, `hash` and `[ -x ]`, see the filesystem as it is. (Before the patch did this,
 * the resolver was recognised by its stack frame: a probe shell per process and a stack trace
 * per filesystem call.)
 */

/** Throws unless the loaded just-bash carries the patch that routes its resolver here. */
export function checkResolverPatch(): void {
  if (!(globalThis as { __tsbuildResolverHooked?: boolean }).__tsbuildResolverHooked) {
    throw new Error(
      "@tsbuild/shell: just-bash's command resolver is not patched (is just-bash still 3.4.x, with patches/just-bash@3.4.2.patch?); " +
        "commands cannot be resolved through the image",
    );
  }
}

const EXECUTABLE_STAT: FsStat = { isFile: true, isDirectory: false, isSymbolicLink: false, mode: 0o755, size: 0, mtime: new Date(0) };

/**
 * Per-shell state of the interception: which names have a dispatcher registered, and the
 * path a slash-containing command word ("/sbin/apk", "./configure") really named.
 */
export class ResolverHook {
  private explicit?: { token: string; path: string; word: string; name: string };
  private readonly registered = new Set<string>();

  constructor(private readonly registerName: (name: string) => void) {}

  /** Make sure `name` has a dispatcher in the just-bash registry. */
  ensure(name: string): void {
    if (!name || this.registered.has(name)) return;
    this.registered.add(name);
    this.registerName(name);
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
