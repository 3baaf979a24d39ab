import type { Node } from "../sandbox/process-fs.js";
import { joinPath } from "../util/paths.js";
import type { AppletContext } from "./applet.js";

/**
 * Copy a skeleton directory (/etc/skel) into a new home: directories, symlinks and regular files
 * with their permission bits (anything else is passed over). `made` is told of each copy, a
 * directory after its contents, so that it may set the owner and the times last.
 */
export function copySkeleton(ctx: AppletContext, from: string, to: string, made: (path: string, source: Node) => void): void {
  for (const name of ctx.fs.readdir(from)) {
    const src = joinPath(from, name);
    const dst = joinPath(to, name);
    const n = ctx.fs.lstat(src);
    if (n.type === "dir") {
      ctx.fs.mkdir(dst, { mode: n.mode & 0o7777 });
      copySkeleton(ctx, src, dst, made);
    } else if (n.type === "symlink") ctx.fs.symlink(ctx.fs.readlink(src), dst);
    else if (n.type === "file") ctx.fs.writeFile(dst, ctx.fs.readFile(src), { mode: n.mode & 0o7777 });
    else continue;
    made(dst, n);
  }
}
