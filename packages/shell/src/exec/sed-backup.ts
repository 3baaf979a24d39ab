import type { ProcessFs } from "../sandbox/process-fs.js";
import { resolvePath } from "../util/paths.js";
import { walkArgv } from "./argv-walk.js";

/**
 * `sed -iSUFFIX` (and `--in-place=SUFFIX`) keeps each edited file's old content as FILE+SUFFIX,
 * in busybox and GNU sed alike; just-bash's sed edits in place and keeps nothing. The backups
 * are made here (the old file's content, mode and owner, as the real sed's rename leaves them)
 * and sed is run with a plain `-i`. Returns the arguments to give just-bash's sed.
 */
export function sedBackups(fs: ProcessFs, cwd: string, args: string[]): string[] {
  let suffix: string | undefined;
  let scriptGiven = false;
  const out: string[] = [];
  const files: string[] = [];
  walkArgv(args, {
    operand(a, afterEnd) {
      if (!scriptGiven && !afterEnd) scriptGiven = true;
      else files.push(a);
      out.push(a);
    },
    end() {
      out.push("--");
    },
    option(a, next) {
      if (a.startsWith("--in-place=")) {
        suffix = a.slice("--in-place=".length) || undefined;
        out.push("-i");
        return;
      }
      if (a === "--expression" || a === "--file") {
        scriptGiven = true;
        out.push(a, next() as string);
        return;
      }
      if (a.startsWith("--")) {
        if (a.startsWith("--expression=") || a.startsWith("--file=")) scriptGiven = true;
        out.push(a);
        return;
      }
      // A cluster of short options: -i takes the rest as its suffix; -e and -f take a value.
      let rebuilt = "-";
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (c === "i") {
          suffix = a.slice(j + 1) || undefined;
          rebuilt += "i";
          break;
        }
        rebuilt += c;
        if (c === "e" || c === "f") {
          scriptGiven = true;
          const rest = a.slice(j + 1);
          out.push(rebuilt + rest);
          if (!rest) out.push(next() as string);
          rebuilt = "";
          break;
        }
      }
      if (rebuilt) out.push(rebuilt);
    },
  });
  if (suffix === undefined) return args;
  for (const f of files) {
    const p = resolvePath(cwd, f);
    const n = fs.tryStat(p);
    if (!n || n.type !== "file") continue;
    const backup = suffix.includes("*") ? resolvePath(cwd, suffix.replaceAll("*", f.split("/").pop() ?? f)) : `${p}${suffix}`;
    fs.writeFile(backup, fs.readFile(p), { mode: n.mode & 0o7777 });
    fs.chmod(backup, n.mode & 0o7777);
    try {
      fs.chown(backup, { uid: n.uid, gid: n.gid });
    } catch {
      // a non-root user keeps the copy as its own, as a rename by that user would not
    }
  }
  return out;
}
