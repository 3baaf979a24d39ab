import { describeError, errorCode } from "../util/errors.js";
import type { ShellKind } from "./flavour.js";

/** What a shell prints, and the status the command gets, when it cannot open a redirection's file. */
export interface RedirectFailure {
  message: string;
  exitCode: number;
}

/**
 * A redirection the shell could not open fails that one command; the script goes on (only a
 * special builtin's would end it). Each shell words it its own way, measured against busybox
 * 1.35's ash, Debian's dash and bash:
 *   ash:  `sh: can't create /x/y: nonexistent directory`       (status 1)
 *   dash: `sh: 1: cannot create /x/y: Directory nonexistent`   (status 2)
 *   bash: `bash: /x/y: No such file or directory`              (status 1)
 * Undefined for an error without an errno, which is not the file's fault.
 */
export function redirectFailure(
  kind: ShellKind,
  shell: string,
  target: string,
  err: unknown,
  op: "create" | "open",
  line: number,
): RedirectFailure | undefined {
  const code = errorCode(err);
  if (!code) return undefined;
  const missing = code === "ENOENT";
  switch (kind) {
    case "ash": {
      const why = missing ? (op === "create" ? "nonexistent directory" : "no such file") : describeError(err);
      return { message: `${shell}: can't ${op} ${target}: ${why}\n`, exitCode: 1 };
    }
    case "dash": {
      const why = missing ? (op === "create" ? "Directory nonexistent" : "No such file") : describeError(err);
      return { message: `${shell}: ${line}: cannot ${op} ${target}: ${why}\n`, exitCode: 2 };
    }
    case "bash":
      return { message: `${shell}: ${target}: ${describeError(err)}\n`, exitCode: 1 };
  }
}
