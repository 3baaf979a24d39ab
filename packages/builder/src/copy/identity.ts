import type { RootFS } from "@tsbuild/fs-snapshot";
import type { Identity } from "./perform.js";

/** parseChownFlag: "user[:group]"; a lone user is also the group; names come from the image's files. */
export function resolveChown(fs: RootFS, spec: string): Identity {
  const parts = spec.split(":");
  if (parts.length > 2) throw new Error(`invalid chown string format: ${spec}`);
  const [user, group = parts[0]] = parts;
  const uid = lookup(fs, "/etc/passwd", user, "user");
  const gid = lookup(fs, "/etc/group", group, "group");
  return { uid, gid };
}

function lookup(fs: RootFS, file: string, name: string, what: "user" | "group"): number {
  if (/^\d+$/.test(name)) return Number(name);
  let text: string;
  try {
    text = fs.readFile(file).toString("utf8");
  } catch {
    throw new Error(`unable to convert uid/gid chown string to host mapping: can't find ${what === "user" ? "uid" : "gid"} for ${what} ${name}: open ${file}: no such file or directory`);
  }
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f[0] === name && f.length >= 3) return Number(f[2]);
  }
  throw new Error(`unable to convert uid/gid chown string to host mapping: can't find ${what === "user" ? "uid" : "gid"} for ${what} ${name}: no such ${what}: ${name}`);
}
