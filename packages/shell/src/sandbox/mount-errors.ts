import { type FsError, isFsError } from "@tsbuild/fs-snapshot";

const DESCRIPTIONS: Record<string, [errno: number, text: string]> = {
  ENOENT: [-2, "no such file or directory"],
  EBUSY: [-16, "resource busy or locked"],
  EEXIST: [-17, "file already exists"],
  EXDEV: [-18, "cross-device link not permitted"],
  ENOTDIR: [-20, "not a directory"],
  EISDIR: [-21, "illegal operation on a directory"],
  ELOOP: [-40, "too many symbolic links encountered"],
};

/** An error in the shape RootFS throws (code, errno, syscall, path, dest), for the answers of a mount. */
export function mountError(code: keyof typeof DESCRIPTIONS, syscall: string, path: string, dest?: string): FsError {
  const [errno, text] = DESCRIPTIONS[code];
  const err = new Error(`${code}: ${text}, ${syscall} ${where(path, dest)}`) as FsError;
  err.code = code;
  err.errno = errno;
  err.syscall = syscall;
  err.path = path;
  if (dest !== undefined) err.dest = dest;
  return err;
}

/**
 * A filesystem behind a mount names the path inside it ('/b' for the container's '/vol/b'):
 * name the caller's path instead, as one filesystem would have.
 */
export function relabel(err: unknown, path: string, dest?: string): unknown {
  if (!isFsError(err)) return err;
  const old = where(err.path, err.dest);
  if (err.message.endsWith(old)) err.message = err.message.slice(0, -old.length) + where(path, err.dest === undefined ? undefined : dest);
  err.path = path;
  if (err.dest !== undefined && dest !== undefined) err.dest = dest;
  return err;
}

function where(path: string, dest?: string): string {
  return dest === undefined ? `'${path}'` : `'${path}' -> '${dest}'`;
}
