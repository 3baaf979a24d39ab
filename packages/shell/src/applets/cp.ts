import { gnuQuoteAlways } from "./input.js";
import type { Node } from "../sandbox/process-fs.js";
import { describeError } from "../util/errors.js";
import { basename, joinPath } from "../util/paths.js";
import { type Applet, type AppletContext, fail } from "./applet.js";
import { appletOptions, splitDestination } from "./options.js";

interface CopyOptions {
  recursive: boolean;
  /** Copy symlinks as symlinks (-d/-P, implied by -R and -a) unless -L/-H say otherwise. */
  noDeref: boolean;
  derefTop: boolean;
  preserve: boolean;
  noClobber: boolean;
  force: boolean;
  hardlink: boolean;
  symlink: boolean;
  verbose: boolean;
  /** -a keeps hard links among the copied files. */
  keepLinks: Map<number, string>;
}

/** cp [-aRrdPLHpfnlsTv] SOURCE... DEST */
export const cp: Applet = (ctx) => {
  const parsed = appletOptions(ctx, "cp", {
    flags: "aRrdPLHpfinlsTvu",
    values: "t",
    long: {
      archive: "a", recursive: "R", "no-dereference": "P", dereference: "L", preserve: "p", force: "f",
      "no-clobber": "n", link: "l", "symbolic-link": "s", "no-target-directory": "T", verbose: "v",
      "target-directory=": "t", update: "u",
    },
  });
  if (typeof parsed === "number") return parsed;
  const { opts } = parsed;
  const archive = opts.has("a");
  const recursive = archive || opts.has("R") || opts.has("r");
  const o: CopyOptions = {
    recursive,
    noDeref: (archive || opts.has("d") || opts.has("P") || recursive) && !opts.has("L"),
    derefTop: opts.has("H") || opts.has("L"),
    preserve: archive || opts.has("p"),
    noClobber: opts.has("n"),
    force: opts.has("f"),
    hardlink: opts.has("l"),
    symlink: opts.has("s"),
    verbose: opts.has("v"),
    keepLinks: new Map(),
  };
  const split = splitDestination(parsed);
  if (!split) return fail(ctx, "cp", "missing destination file operand");
  const { sources, dest } = split;
  const destPath = ctx.resolve(dest);
  const destIsDir = !opts.has("T") && ctx.fs.tryStat(destPath)?.type === "dir";
  if (sources.length > 1 && !destIsDir) return fail(ctx, "cp", `'${dest}' is not a directory`);
  let status = 0;
  for (const src of sources) {
    const srcPath = ctx.resolve(src);
    // The operand's own last name, so `cp -a src/. dst/` copies src's entries into dst itself.
    const target = destIsDir ? ctx.resolve(joinPath(dest, basename(src.replace(/\/+$/, "") || "/"))) : destPath;
    let top;
    try {
      top = o.noDeref && !o.derefTop ? ctx.fs.lstat(srcPath) : ctx.fs.stat(srcPath);
    } catch (e) {
      status = fail(ctx, "cp", ctx.flavour === "gnu" ? `cannot stat ${gnuQuoteAlways(src)}: ${describeError(e)}` : `can't stat '${src}': ${describeError(e)}`);
      continue;
    }
    try {
      if (top.type === "dir") {
        if (!recursive) {
          status = fail(ctx, "cp", ctx.flavour === "gnu" ? `-r not specified; omitting directory ${gnuQuoteAlways(src)}` : `omitting directory '${src}'`);
          continue;
        }
        if (target === top.path || target.startsWith(`${top.path}/`)) {
          status = fail(ctx, "cp", `can't copy a directory into itself`);
          continue;
        }
      }
      copyEntry(ctx, o, srcPath, top, target);
      if (o.verbose) ctx.stdout(`'${src}' -> '${target}'\n`);
    } catch (e) {
      status = fail(ctx, "cp", `${(e as { where?: string }).where ?? src}: ${describeError(e)}`);
    }
  }
  return status;
};

function copyEntry(ctx: AppletContext, o: CopyOptions, src: string, node: Node, dest: string): void {
  const fs = ctx.fs;
  const existing = fs.tryLstat(dest);
  if (node.type === "dir") {
    if (existing && existing.type !== "dir") throw Object.assign(new Error("exists"), { code: "EEXIST", where: dest });
    // busybox keeps a directory's setgid/sticky bits (less the umask); coreutils does not without -p.
    if (!existing) fs.mkdir(dest, { mode: o.preserve ? node.mode : node.mode & (ctx.flavour === "gnu" ? 0o777 : 0o7777) & ~fs.umask });
    for (const name of fs.readdir(src)) {
      const child = joinPath(src, name);
      const childNode = o.noDeref ? fs.lstat(child) : fs.stat(child);
      copyEntry(ctx, o, child, childNode, joinPath(dest, name));
    }
    if (o.preserve) preserveMetadata(ctx, node, dest);
    // busybox sets a directory it made to the source's mode at the end (copy_file's chmod), which
    // drops a setgid bit the new directory took from a setgid parent.
    else if (!existing && ctx.flavour === "busybox") fs.chmod(dest, node.mode & 0o7777 & ~fs.umask);
    return;
  }
  if (existing && o.noClobber) return;
  if (o.symlink) {
    if (existing) fs.remove(dest);
    fs.symlink(src, dest);
    return;
  }
  if (o.hardlink) {
    if (existing) fs.remove(dest);
    fs.link(src, dest);
    return;
  }
  if (node.type === "symlink") {
    if (existing) fs.remove(dest);
    fs.symlink(fs.readlink(src), dest);
    if (o.preserve && ctx.creds.uid === 0) fs.chown(dest, { uid: node.uid, gid: node.gid }, { noFollow: true });
    return;
  }
  // busybox keeps hard links within a copy even without -p (FEATURE_PRESERVE_HARDLINKS).
  if ((o.preserve || ctx.flavour === "busybox") && node.nlink > 1 && !node.virtual) {
    const first = o.keepLinks.get(node.ino);
    if (first) {
      if (existing) fs.remove(dest);
      fs.link(first, dest);
      return;
    }
    o.keepLinks.set(node.ino, dest);
  }
  if (fs.isEndless(src)) throw Object.assign(new Error("endless"), { code: "EINVAL", where: src });
  const data = fs.readChunks(src);
  if (existing?.type === "dir") throw Object.assign(new Error("is dir"), { code: "EISDIR", where: dest });
  if (existing && o.force && existing.type !== "file") fs.remove(dest);
  // busybox creates the copy with the source's whole mode (setuid included) less the umask;
  // coreutils leaves out the setuid/setgid/sticky bits unless -p.
  fs.writeChunks(dest, data, { mode: node.mode & (ctx.flavour === "gnu" ? 0o777 : 0o7777) & ~fs.umask });
  if (o.preserve) preserveMetadata(ctx, node, dest);
}

function preserveMetadata(ctx: AppletContext, node: Node, dest: string): void {
  if (ctx.creds.uid === 0) ctx.fs.chown(dest, { uid: node.uid, gid: node.gid });
  ctx.fs.chmod(dest, node.mode);
  ctx.fs.utimes(dest, node.mtime, node.mtime);
}
