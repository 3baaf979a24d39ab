import type { SimCommandContext } from "../sim-types.js";
import { mkdirp, parentOf } from "../util/fsutil.js";

/** An absolute path for a file argument, relative ones against the command's working directory. */
export function resolvePath(ctx: SimCommandContext, p: string): string {
  const abs = p.startsWith("/") ? p : `${ctx.cwd.replace(/\/+$/, "")}/${p}`;
  const parts: string[] = [];
  for (const c of abs.split("/")) {
    if (!c || c === ".") continue;
    if (c === "..") parts.pop();
    else parts.push(c);
  }
  return "/" + parts.join("/");
}

/** Writes a download as the calling user would create it (umask 022). */
export function writeDownload(ctx: SimCommandContext, path: string, bytes: Buffer, createDirs = false): void {
  if (createDirs) mkdirp(ctx.fs, parentOf(path));
  ctx.fs.writeFile(path, bytes, { mode: 0o644, owner: ctx.owner });
}

/** The file name `-O` / wget give a URL: its path's last component. */
export function remoteName(url: string): string {
  try {
    const p = new URL(url).pathname;
    return decodeURIComponent(p.slice(p.lastIndexOf("/") + 1));
  } catch {
    return "";
  }
}

/** Bytes onto stdout: the shell's Output keeps Buffers as bytes, so archives survive `| tar -x`. */
export function writeStdout(ctx: SimCommandContext, bytes: Buffer): void {
  (ctx.stdout as (d: string | Buffer) => void)(bytes);
}
