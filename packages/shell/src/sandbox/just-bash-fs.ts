import type { BufferEncoding, ByteString, CpOptions, FileContent, FsStat, IFileSystem, MkdirOptions, RmOptions } from "just-bash";
import { unsafeBytesFromLatin1 } from "just-bash";
import type { RedirectFailure } from "../exec/redirect-failure.js";
import type { ResolverHook } from "../exec/resolver-hook.js";
import { errorCode, fsError } from "../util/errors.js";
import { joinPath, resolvePath } from "../util/paths.js";
import { moveAcrossFilesystems } from "./cross-device-move.js";
import type { Node, ProcessFs } from "./process-fs.js";

interface DirentEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  isSymbolicLink: boolean;
}

type ReadOpts = { encoding?: BufferEncoding | null } | BufferEncoding | undefined;
type WriteOpts = { encoding?: BufferEncoding } | BufferEncoding | undefined;

function encodingOf(opts: ReadOpts | WriteOpts): BufferEncoding | undefined {
  if (typeof opts === "string") return opts;
  return opts?.encoding ?? undefined;
}

function toBuffer(content: FileContent, opts: WriteOpts): Buffer {
  if (typeof content !== "string") return Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const enc = encodingOf(opts) ?? "utf8";
  return Buffer.from(content, enc === "utf-8" ? "utf8" : enc);
}

function toFsStat(n: Node): FsStat {
  return {
    isFile: n.type === "file",
    isDirectory: n.type === "dir",
    isSymbolicLink: n.type === "symlink",
    mode: n.mode & 0o7777,
    size: n.size,
    mtime: n.mtime,
    dev: n.virtual ? 2 : 1,
    ino: n.ino,
  };
}

export type RedirectWording = (target: string, err: unknown, op: "create" | "open", shell: string, line: number) => RedirectFailure | undefined;

/**
 * just-bash's view of a step's filesystem: its IFileSystem interface over ProcessFs.
 * It deliberately has no writeFileSync, so just-bash never writes its command stubs into the
 * image. Calls from just-bash's command resolver are answered by the ResolverHook.
 */
export class JustBashFs implements IFileSystem {
  /** What just-bash's command resolver asks instead of this filesystem (the patch routes it here). */
  readonly tsbuildResolver?: Pick<IFileSystem, "exists" | "stat" | "resolvePath">;

  constructor(
    private readonly pfs: ProcessFs,
    hook?: ResolverHook,
    private readonly redirects?: RedirectWording,
  ) {
    if (hook) {
      this.tsbuildResolver = {
        exists: async (path) => hook.exists(path),
        stat: async (path) => hook.stat(path),
        resolvePath: (base, path) => hook.resolvePath(base, path),
      };
    }
  }

  /**
   * Called by just-bash (patched, see the package README) when a redirection's file cannot be
   * opened: the shell's own words and status for it, instead of aborting the script.
   */
  redirectFailure(target: string, err: unknown, op: "create" | "open", shell: string | undefined, line: number | undefined): RedirectFailure | undefined {
    return this.redirects?.(target, err, op, shell || "sh", line ?? 1);
  }

  async readFile(path: string, options?: ReadOpts): Promise<string> {
    const data = this.pfs.readFile(path);
    const enc = encodingOf(options) ?? "utf8";
    return data.toString(enc === "utf-8" ? "utf8" : enc);
  }

  async readFileBuffer(path: string): Promise<Uint8Array> {
    return this.pfs.readFile(path);
  }

  async readFileBytes(path: string): Promise<ByteString> {
    return unsafeBytesFromLatin1(this.pfs.readFile(path).toString("latin1"));
  }

  async writeFile(path: string, content: FileContent, options?: WriteOpts): Promise<void> {
    this.pfs.writeFile(path, toBuffer(content, options));
  }

  async appendFile(path: string, content: FileContent, options?: WriteOpts): Promise<void> {
    this.pfs.writeFile(path, toBuffer(content, options), { append: true });
  }

  async exists(path: string): Promise<boolean> {
    return this.pfs.exists(path);
  }

  async stat(path: string): Promise<FsStat> {
    return toFsStat(this.pfs.stat(path));
  }

  async lstat(path: string): Promise<FsStat> {
    return toFsStat(this.pfs.lstat(path));
  }

  async mkdir(path: string, options?: MkdirOptions): Promise<void> {
    if (options?.recursive) {
      this.pfs.mkdir(path, { parents: true });
      return;
    }
    this.pfs.mkdir(path);
  }

  async readdir(path: string): Promise<string[]> {
    return this.pfs.readdir(path);
  }

  async readdirWithFileTypes(path: string): Promise<DirentEntry[]> {
    const dir = this.pfs.realpath(path);
    return this.pfs.readdir(path).map((name) => {
      const n = this.pfs.tryLstat(joinPath(dir, name));
      return {
        name,
        isFile: n?.type === "file",
        isDirectory: n?.type === "dir",
        isSymbolicLink: n?.type === "symlink",
      };
    });
  }

  /** just-bash's rm checks for directories itself; a non-recursive call on one is rmdir (rmdir, find -delete). */
  async rm(path: string, options?: RmOptions): Promise<void> {
    this.pfs.remove(path, { recursive: options?.recursive, force: options?.force, dirOk: true });
  }

  /** Plain copy (no -p): new files get the source's mode less the umask, and the process's owner. */
  async cp(src: string, dest: string, options?: CpOptions): Promise<void> {
    const s = this.pfs.lstat(src);
    if (s.type === "dir") {
      if (!options?.recursive) throw fsError("EISDIR", "cp", src);
      if (!this.pfs.tryStat(dest)) this.pfs.mkdir(dest, { mode: s.mode & ~this.pfs.umask });
      for (const name of this.pfs.readdir(src)) await this.cp(joinPath(src, name), joinPath(dest, name), options);
      return;
    }
    if (s.type === "symlink") {
      this.pfs.symlink(this.pfs.readlink(src), dest);
      return;
    }
    this.pfs.writeFile(dest, this.pfs.readFile(src), { mode: s.mode & 0o777 & ~this.pfs.umask });
  }

  /** rename(2), or copy and delete when source and destination are on different filesystems (a volume). */
  async mv(src: string, dest: string): Promise<void> {
    try {
      this.pfs.rename(src, dest);
    } catch (err) {
      if (errorCode(err) !== "EXDEV") throw err;
      moveAcrossFilesystems(this.pfs, src, dest);
    }
  }

  resolvePath(base: string, path: string): string {
    return resolvePath(base, path);
  }

  /** A listing of every path would walk the whole image; nothing in tsbuild's use needs it. */
  getAllPaths(): string[] {
    return [];
  }

  async chmod(path: string, mode: number): Promise<void> {
    this.pfs.chmod(path, mode);
  }

  async symlink(target: string, linkPath: string): Promise<void> {
    this.pfs.symlink(target, linkPath);
  }

  async link(existingPath: string, newPath: string): Promise<void> {
    this.pfs.link(existingPath, newPath);
  }

  async readlink(path: string): Promise<string> {
    return this.pfs.readlink(path);
  }

  async realpath(path: string): Promise<string> {
    return this.pfs.realpath(path);
  }

  async utimes(path: string, atime: Date, mtime: Date): Promise<void> {
    this.pfs.utimes(path, atime, mtime);
  }
}

