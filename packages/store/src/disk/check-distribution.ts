import { readdirSync } from "node:fs";
import { join } from "node:path";
import { readTextIfExists } from "./fsutil.js";
import type { Layout } from "./layout.js";

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const HEX_RE = /^[a-f0-9]{64}$/;

/**
 * distribution/diffid-by-digest maps a compressed blob digest to a layer's diffID: pull and push
 * trust it to skip work, so an entry that is not a digest is damage fsck names.
 */
export function checkDistribution(layout: Layout): string[] {
  const dir = join(layout.distribution, "diffid-by-digest", "sha256");
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const problems: string[] = [];
  for (const n of names) {
    const where = `image/overlay2/distribution/diffid-by-digest/sha256/${n}`;
    if (!HEX_RE.test(n)) {
      problems.push(`${where}: not named by a sha256 digest`);
      continue;
    }
    const v = readTextIfExists(join(dir, n));
    if (v === undefined || !DIGEST_RE.test(v.trim())) problems.push(`${where}: holds ${JSON.stringify(v?.slice(0, 80))}, not a diffID`);
  }
  return problems;
}
