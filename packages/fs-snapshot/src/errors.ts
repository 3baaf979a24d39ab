/** Node-style filesystem errors: `code`, `errno`, `syscall`, `path` (and `dest` for two-path calls). */
export interface FsError extends Error {
  code: string;
  errno: number;
  syscall: string;
  path: string;
  dest?: string;
}

const DESCRIPTIONS: Record<string, [errno: number, text: string]> = {
  EPERM: [-1, "operation not permitted"],
  ENOENT: [-2, "no such file or directory"],
  EBUSY: [-16, "resource busy or locked"],
  EEXIST: [-17, "file already exists"],
  EXDEV: [-18, "cross-device link not permitted"],
  ENOTDIR: [-20, "not a directory"],
  EISDIR: [-21, "illegal operation on a directory"],
  EINVAL: [-22, "invalid argument"],
  EFBIG: [-27, "file too large"],
  ENOTEMPTY: [-39, "directory not empty"],
  ELOOP: [-40, "too many symbolic links encountered"],
  ENAMETOOLONG: [-36, "name too long"],
};

/**
 * The error for a failed call. It carries no stack trace: most of these are answers, not faults
 * (COPY asks lstat whether a target exists before every file it writes), and capturing the async
 * call chain costs more than the rest of the lookup. The message names the call and the path.
 */
/** A path longer than the kernel accepts is named by its start and length, not printed whole. */
function shown(path: string): string {
  return path.length < PATH_MAX ? path : `${path.slice(0, 64)}... (${path.length} bytes)`;
}

/** Linux's PATH_MAX, the terminating NUL included: longer paths fail with ENAMETOOLONG. */
export const PATH_MAX = 4096;

export function fsError(code: keyof typeof DESCRIPTIONS, syscall: string, path: string, dest?: string): FsError {
  const [errno, text] = DESCRIPTIONS[code];
  const where = dest === undefined ? `'${shown(path)}'` : `'${shown(path)}' -> '${shown(dest)}'`;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const err = new Error(`${code}: ${text}, ${syscall} ${where}`) as FsError;
  Error.stackTraceLimit = limit;
  err.code = code;
  err.errno = errno;
  err.syscall = syscall;
  err.path = path;
  if (dest !== undefined) err.dest = dest;
  return err;
}

/** Re-labels an error raised while resolving one path of a two-path call (link, rename). */
export function withDest(err: unknown, syscall: string, path: string, dest: string): unknown {
  const e = err as Partial<FsError>;
  if (e && typeof e.code === "string" && e.code in DESCRIPTIONS) return fsError(e.code, syscall, path, dest);
  return err;
}

export function isFsError(err: unknown, ...codes: string[]): err is FsError {
  const code = (err as Partial<FsError> | null)?.code;
  return typeof code === "string" && (codes.length === 0 || codes.includes(code));
}
