import { posix } from "node:path";
import {
  ArchiveFormatError, ExpansionLimitError, defaultMemoryLimit, readTar, startsWithTar, type TarEntry,
} from "@tsbuild/archive";
import type { RootFS } from "@tsbuild/fs-snapshot";

/**
 * archive.IsArchivePath: ADD extracts what decompresses (gzip, bzip2, xz, zstd or plain) to
 * something whose first tar header parses. Only the first block is decoded, so a truncated
 * archive is still an archive (and fails to extract, as in Docker) while a gzip whose header
 * is corrupt is copied as a file.
 */
export async function isArchive(data: Buffer): Promise<boolean> {
  return startsWithTar(data, { limit: defaultMemoryLimit() });
}

/**
 * archive.Untar into DEST: entries keep their mode and owner; no entry may land outside DEST
 * (`../`, absolute names and links through symlinks are confined or refused). Decompression is
 * streamed and counted against the memory budget, since every extracted byte is held in memory.
 */
export async function extractArchive(fs: RootFS, data: Buffer, dest: string, name = "archive"): Promise<void> {
  const limit = defaultMemoryLimit();
  try {
    await readTar(data, async (h, body) => {
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c);
      writeEntry(fs, dest, h, Buffer.concat(chunks));
    }, { limit });
  } catch (e) {
    if (e instanceof ExpansionLimitError) throw new Error(`ADD ${name}: ${e.message}`);
    // Docker: "failed to copy files: Error processing tar file(exit status 1): unexpected EOF".
    if (e instanceof ArchiveFormatError) throw new Error(`ADD ${name}: failed to copy files: Error processing tar file: ${e.message}`);
    throw e;
  }
}

function writeEntry(fs: RootFS, dest: string, h: TarEntry, body: Buffer): void {
  const rel = posix.normalize("/" + h.name).slice(1);
  const cleaned = posix.normalize(h.name);
  if (cleaned === ".." || cleaned.startsWith("../")) {
    throw new Error(`invalid archive entry "${h.name}": it would land outside the destination`);
  }
  const target = rel ? posix.join(dest, rel) : dest;
  const owner = { uid: h.uid, gid: h.gid };
  const mode = h.mode & 0o7777;
  const mtime = new Date(h.mtime * 1000);
  if (rel) staysInside(fs, dest, posix.dirname(target), h.name);
  ensureParents(fs, posix.dirname(target));
  switch (h.typeflag) {
    case "5":
      if (!isDir(fs, target)) fs.mkdir(target, { mode, owner });
      fs.chmod(target, mode);
      fs.chown(target, owner, { noFollow: true });
      return;
    case "2": {
      // archive.Untar's breakout check: the target, joined to the link's directory, stays in DEST.
      const joined = posix.normalize(posix.join(posix.dirname(rel || "."), h.linkname));
      if (joined === ".." || joined.startsWith("../")) throw new Error(`invalid symlink "${target}" -> "${h.linkname}"`);
      removeExisting(fs, target);
      fs.symlink(h.linkname, target, { owner });
      return;
    }
    case "1": {
      const climbed = posix.normalize(h.linkname);
      if (climbed === ".." || climbed.startsWith("../")) throw new Error(`invalid hardlink "${target}" -> "${h.linkname}"`);
      const linkRel = posix.normalize("/" + h.linkname).slice(1);
      removeExisting(fs, target);
      fs.link(posix.join(dest, linkRel), target);
      return;
    }
    case "0":
    case "7":
      removeExisting(fs, target);
      fs.writeFile(target, body, { mode, owner, mtime });
      return;
    default:
      // PAX global headers are skipped by archive.Untar; devices and fifos need privileges Docker has and a sandbox doesn't; skip them as rootless Docker does.
      return;
  }
}

function isDir(fs: RootFS, p: string): boolean {
  try {
    return fs.lstat(p).type === "dir";
  } catch {
    return false;
  }
}

function removeExisting(fs: RootFS, p: string): void {
  try {
    const st = fs.lstat(p);
    if (st.type === "dir") fs.rm(p, { recursive: true });
    else fs.unlink(p);
  } catch {
    /* nothing there */
  }
}

function ensureParents(fs: RootFS, dir: string): void {
  if (isDir(fs, dir)) return;
  fs.mkdir(dir, { recursive: true, mode: 0o755, owner: { uid: 0, gid: 0 } });
}

/**
 * Docker extracts ADD archives chrooted at DEST, so a member beneath a symlink can never land
 * outside it. Here links resolve from the image's root, so a member whose existing parent
 * resolves outside DEST (through a link the archive made, or one already there) is refused as
 * Docker's breakout check names it.
 */
function staysInside(fs: RootFS, destGiven: string, parent: string, name: string): void {
  const dest = posix.normalize(destGiven).replace(/(.)\/$/, "$1");
  const present = (p: string) => {
    try {
      fs.lstat(p);
      return true;
    } catch {
      return false;
    }
  };
  let existing = parent;
  while (existing !== dest && existing !== "/" && !present(existing)) existing = posix.dirname(existing);
  let real: string;
  try {
    real = fs.realpath(existing);
  } catch {
    // A dangling link on the way: directories made through it could land anywhere.
    throw new Error(`invalid archive entry "${name}": "${parent}" is outside of "${dest}"`);
  }
  const destReal = fs.exists(dest) ? fs.realpath(dest) : dest;
  if (real !== destReal && !real.startsWith(destReal === "/" ? "/" : destReal + "/")) {
    throw new Error(`invalid archive entry "${name}": "${parent}" is outside of "${dest}"`);
  }
}
