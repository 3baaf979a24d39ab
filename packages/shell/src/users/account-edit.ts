import type { ProcessFs } from "../sandbox/process-fs.js";

/** How the tool keeps the previous version as FILE-: busybox hard-links it, shadow-utils copies it. */
export type BackupStyle = "hardlink" | "copy";

/**
 * Replace an account file the way the account tools do, which is what lands in the layer:
 * a FILE- backup of the old version, the new version written to FILE+ with the old file's
 * mode and owner, then renamed over FILE.
 */
export function replaceAccountFile(fs: ProcessFs, path: string, content: string, backup: BackupStyle): void {
  const old = fs.stat(path);
  const bak = `${path}-`;
  if (backup === "hardlink") {
    if (fs.tryLstat(bak)) fs.remove(bak);
    fs.link(path, bak);
  } else {
    const data = fs.readFile(path);
    if (fs.tryLstat(bak)) fs.writeFile(bak, data);
    else fs.writeFile(bak, data, { mode: old.mode & 0o7777 });
    fs.chmod(bak, old.mode & 0o7777);
    fs.chown(bak, { uid: old.uid, gid: old.gid });
    fs.utimes(bak, old.mtime, old.mtime);
  }
  const tmp = `${path}+`;
  if (fs.tryLstat(tmp)) fs.remove(tmp);
  fs.writeFile(tmp, Buffer.from(content), { mode: old.mode & 0o777 });
  fs.chown(tmp, { uid: old.uid, gid: old.gid });
  fs.rename(tmp, path);
}

/** The text of an account file, or undefined when the image does not have it. */
export function readText(fs: ProcessFs, path: string): string | undefined {
  try {
    return fs.readFile(path).toString("utf8");
  } catch {
    return undefined;
  }
}

export function appendLine(text: string, line: string): string {
  return `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${line}\n`;
}

/** Add `member` to the member list (the last field) of the line for `name`. */
export function addMember(text: string, name: string, member: string): string {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.startsWith(`${name}:`));
  if (i < 0) return text;
  const fields = lines[i].split(":");
  const members = fields[fields.length - 1].split(",").filter(Boolean);
  if (members.includes(member)) return text;
  lines[i] = `${lines[i]}${lines[i].endsWith(":") ? "" : ","}${member}`;
  return lines.join("\n");
}

/** Days since the epoch, the unit of /etc/shadow's last-change field. */
export function daysSinceEpoch(now = Date.now()): number {
  return Math.floor(now / 86_400_000);
}
