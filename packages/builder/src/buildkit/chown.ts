import type { RootFS } from "@tsbuild/fs-snapshot";
import { resolveChown } from "../copy/identity.js";
import type { Identity } from "../copy/perform.js";

/**
 * BuildKit's --chown (its file op's readUser): a user name alone takes that user's primary group
 * from /etc/passwd (the classic builder looks for a group of the same name), a number alone is also
 * the gid; with a group, both are looked up as the classic builder does (recorded, g-19-005).
 */
export function resolveChownBuildKit(fs: RootFS, spec: string): Identity {
  if (spec.includes(":") || /^\d+$/.test(spec)) return resolveChown(fs, spec);
  const { uid } = resolveChown(fs, `${spec}:0`);
  let gid = uid;
  try {
    for (const line of fs.readFile("/etc/passwd").toString("utf8").split("\n")) {
      const f = line.split(":");
      if (f[0] === spec && f.length >= 4) {
        gid = Number(f[3]);
        break;
      }
    }
  } catch {
    // resolveChown already failed for an image without /etc/passwd
  }
  return { uid, gid };
}
