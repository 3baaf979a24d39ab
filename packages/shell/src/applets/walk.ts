import type { ProcessFs } from "../sandbox/process-fs.js";
import { joinPath } from "../util/paths.js";

/**
 * Visit `root` and, when it is a directory reached without following a final symlink,
 * everything below it (depth first, parents first), like chown -R / chmod -R without -L.
 */
export function walkTree(fs: ProcessFs, root: string, visit: (path: string, isTop: boolean) => void): void {
  visit(root, true);
  const top = fs.tryLstat(root);
  if (top?.type !== "dir") return;
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop() as string;
    for (const name of fs.readdir(dir)) {
      const p = joinPath(dir, name);
      visit(p, false);
      if (fs.tryLstat(p)?.type === "dir") stack.push(p);
    }
  }
}
