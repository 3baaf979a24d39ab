/** The `code` of a Node-style error (ENOENT, EEXIST, ...), or undefined. */
export function errorCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : undefined;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: "no such file or directory",
  EEXIST: "file already exists",
  ENOTDIR: "not a directory",
  EISDIR: "illegal operation on a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EBUSY: "resource busy or locked",
  EROFS: "read-only file system",
  EINVAL: "invalid argument",
  ENOTEMPTY: "directory not empty",
  ENOSPC: "no space left on device",
  EXDEV: "cross-device link not permitted",
  EFBIG: "file too large",
};

/** Node-style filesystem error: `ENOENT: no such file or directory, open '/x'`. */
export function fsError(code: string, syscall: string, path: string): Error & { code: string; path: string } {
  // No stack trace: most are answers (a PATH lookup's ENOENT), not faults, and capturing one
  // costs more than the lookup; the message names the call and the path.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const err = new Error(`${code}: ${ERRNO_TEXT[code] ?? "error"}, ${syscall} '${path}'`) as Error & { code: string; path: string };
  Error.stackTraceLimit = limit;
  err.code = code;
  err.path = path;
  return err;
}

/** The human part of a filesystem error, as coreutils prints it ("No such file or directory"). */
export function describeError(err: unknown): string {
  switch (errorCode(err)) {
    case "ENOENT": return "No such file or directory";
    case "EEXIST": return "File exists";
    case "ENOTDIR": return "Not a directory";
    case "EISDIR": return "Is a directory";
    case "EACCES": return "Permission denied";
    case "EPERM": return "Operation not permitted";
    case "ENOTEMPTY": return "Directory not empty";
    case "EBUSY": return "Device or resource busy";
    case "EROFS": return "Read-only file system";
    case "EINVAL": return "Invalid argument";
    case "ELOOP": return "Symbolic link loop";
    case "EXDEV": return "Invalid cross-device link";
    case "EFBIG": return "File too large";
    case "ENOSPC": return "No space left on device";
    default: return err instanceof Error ? err.message : String(err);
  }
}
