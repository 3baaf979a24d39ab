import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

/** Every path under root with its type and content hash: equal snapshots mean an unchanged store. */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[r] = "link:" + readlinkSync(p);
      else if (st.isDirectory()) {
        out[r] = "dir";
        walk(p, r);
      } else out[r] = "file:" + createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  walk(root, "");
  return out;
}
