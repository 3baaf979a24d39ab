import { createHash } from "node:crypto";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import { lexists, mkdirp, parentOf } from "../../util/fsutil.js";
import { INFO, qualifiedName } from "../state.js";
import type { DebFile } from "./debfile.js";
import type { TarItem } from "./tar.js";

export interface PathFilter { include: boolean; pattern: RegExp }

/** dpkg's fnmatch without FNM_PATHNAME: "*" also matches "/". The last matching rule decides. */
function excluded(filters: PathFilter[], path: string): boolean {
  let out = false;
  for (const f of filters) if (f.pattern.test(path)) out = !f.include;
  return out;
}

/**
 * The entries dpkg unpacks from data.tar: path-exclude drops files and links; a directory stays
 * unless excluded and nothing kept lies below it (dpkg creates the directories its files need).
 */
export function keptEntries(items: TarItem[], filters: PathFilter[]): TarItem[] {
  const all = items.filter((e) => e.name !== "");
  if (!filters.length) return all;
  const kept = all.filter((e) => e.type === "dir" || !excluded(filters, "/" + e.name));
  const needed = new Set<string>();
  for (const e of kept) {
    if (e.type === "dir") continue;
    for (let d = parentOf("/" + e.name); d !== "/"; d = parentOf(d)) needed.add(d);
  }
  return kept.filter((e) => e.type !== "dir" || !excluded(filters, "/" + e.name) || needed.has("/" + e.name));
}

function isDirAt(fs: FileSystem, path: string): boolean {
  try {
    return fs.stat(path).type === "dir"; // follows symlinks: /lib → usr/lib on merged-/usr systems
  } catch {
    return false;
  }
}

/** Writes the kept entries as dpkg does: owners, modes, mtimes, hard links; existing directories untouched. */
export function unpackEntries(fs: FileSystem, entries: TarItem[]): void {
  for (const e of entries) {
    const path = "/" + e.name;
    const owner = { uid: e.uid, gid: e.gid };
    if (!isDirAt(fs, parentOf(path))) mkdirp(fs, parentOf(path));
    if (e.type === "dir") {
      if (isDirAt(fs, path)) continue;
      if (lexists(fs, path)) fs.unlink(path);
      // dpkg extracts to NAME.dpkg-new and renames: in overlay2 a new directory of a merged parent becomes opaque
      fs.mkdir(`${path}.dpkg-new`, { mode: e.mode, owner });
      fs.utimes(`${path}.dpkg-new`, e.mtime, e.mtime);
      fs.rename(`${path}.dpkg-new`, path);
      continue;
    }
    if (lexists(fs, path) && !isDirAt(fs, path)) fs.unlink(path);
    if (e.type === "symlink") {
      fs.symlink(e.linkname, path, { owner, mtime: e.mtime });
    } else if (e.type === "link") {
      fs.link("/" + e.linkname.replace(/^\.?\//, ""), path);
    } else if (e.type === "file") {
      fs.writeFile(path, e.data, { mode: e.mode, owner });
      // writeFile applies the umask-free mode; chmod keeps setuid/setgid bits dpkg restores
      fs.chmod(path, e.mode);
      fs.utimes(path, e.mtime, e.mtime);
    }
  }
}

/** The control members dpkg keeps in /var/lib/dpkg/info/<pkg>.<member> (control itself goes to status). */
const SCRIPTS = new Set(["preinst", "postinst", "prerm", "postrm", "config"]);

export function writeInfo(fs: FileSystem, name: string, multiArch: string, deb: DebFile, entries: TarItem[]): void {
  const q = qualifiedName(name, multiArch);
  mkdirp(fs, INFO);
  const list = ["/.", ...entries.map((e) => "/" + e.name)].join("\n") + "\n";
  fs.writeFile(`${INFO}/${q}.list`, list, { mode: 0o644, owner: { uid: 0, gid: 0 } });
  for (const [member, data] of deb.control) {
    if (member === "control") continue;
    fs.writeFile(`${INFO}/${q}.${member}`, data, { mode: SCRIPTS.has(member) ? 0o755 : 0o644, owner: { uid: 0, gid: 0 } });
  }
}

/** dpkg's status "Conffiles:" value: each conffile with the md5 of the bytes just unpacked. */
export function conffilesField(fs: FileSystem, deb: DebFile): string | undefined {
  const list = (deb.control.get("conffiles")?.toString("utf8") ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
  if (!list.length) return undefined;
  const lines = list.map((p) => {
    const hash = lexists(fs, p) ? createHash("md5").update(fs.readFile(p)).digest("hex") : "newconffile";
    return ` ${p} ${hash}`;
  });
  return "\n" + lines.join("\n");
}
