import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/**
 * What the stored cases lost on their way here, restored in the working copy before a build:
 * - the owner's write bit: Docker saw files 0644 (0755 when executable) and directories 0755, as
 *   a git checkout gives them; the shared copy is read-only (0444, 0555), and modes are part of
 *   every COPY hash;
 * - an empty directory (c03's src/empty) that neither git nor the packaging keeps;
 * - a symlink (c30's link.txt) that the packaging flattened into a file holding its target.
 */
const LOST: Record<string, Array<{ emptyDir?: string; symlink?: string; target?: string }>> = {
  "c03-copy-dirs": [{ emptyDir: "context/src/empty" }],
  "c30-copy-symlinks": [{ symlink: "context/link.txt", target: "real.txt" }],
};

export function restoreCase(name: string, workCopy: string): void {
  normaliseModes(workCopy);
  for (const fix of LOST[name] ?? []) {
    if (fix.emptyDir) mkdirSync(join(workCopy, fix.emptyDir), { recursive: true });
    if (fix.symlink && fix.target) {
      const p = join(workCopy, fix.symlink);
      if (existsSync(p) && !lstatSync(p).isSymbolicLink() && readFileSync(p, "utf8") === fix.target) {
        rmSync(p);
        symlinkSync(fix.target, p);
      }
    }
  }
}

function normaliseModes(dir: string): void {
  chmodSync(dir, (lstatSync(dir).mode & 0o7777) | 0o200);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) normaliseModes(p);
    else chmodSync(p, (st.mode & 0o7777) | 0o200);
  }
}

/** What a generated case lists in case.json because git cannot keep it: empty directories, exact modes. */
export function restoreTree(context: string, spec: { modes?: Record<string, string>; empty_dirs?: string[] }): void {
  for (const d of spec.empty_dirs ?? []) mkdirSync(join(context, d), { recursive: true });
  // Deepest first: a directory made read-only last cannot block its children's chmod.
  const modes = Object.entries(spec.modes ?? {}).sort((a, b) => b[0].length - a[0].length);
  for (const [p, m] of modes) chmodSync(join(context, p), parseInt(m, 8));
}
