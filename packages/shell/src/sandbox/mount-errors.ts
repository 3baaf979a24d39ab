import { fsError, isFsError } from "@tsbuild/fs-snapshot";

/** An error in the shape RootFS throws (code, errno, syscall, path, dest), for the answers of a mount. */
export const mountError = fsError;

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
