import { randomBytes, randomInt } from "node:crypto";
import { mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { readTextIfExists } from "./fsutil.js";
import type { Layout } from "./layout.js";

/** overlay2's maximum number of lower layers. */
const MAX_DEPTH = 128;
const LINK_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A 26-character base32 id, as overlay2's generateID(idLength). */
export function newLinkID(): string {
  let s = "";
  for (let i = 0; i < 26; i++) s += LINK_ALPHABET[randomInt(32)];
  return s;
}

/** 64 hex digits that are not all decimal, as stringid.GenerateRandomID. */
export function newCacheID(): string {
  for (;;) {
    const id = randomBytes(32).toString("hex");
    if (/[a-f]/.test(id)) return id;
  }
}

/** The `lower` value for a child of `parentCacheID`: its link first, then its own lowers. */
export function lowerFor(layout: Layout, parentCacheID: string): string {
  const link = readTextIfExists(join(layout.driverDir(parentCacheID), "link"));
  if (link === undefined) throw new Error(`overlay2 directory of the parent layer (${parentCacheID}) has no link file`);
  return childLower(link, readTextIfExists(join(layout.driverDir(parentCacheID), "lower")));
}

/** The `lower` value for a child of the layer whose `link` and `lower` files hold these. */
export function childLower(parentLink: string, parentLower: string | undefined): string {
  const lowers = ["l/" + parentLink];
  if (parentLower) lowers.push(...parentLower.split(":"));
  if (lowers.length > MAX_DEPTH) throw new Error("max depth exceeded");
  return lowers.join(":");
}

/**
 * Fills a staged driver directory as overlay2's create() would: link, and for a child
 * layer work/ and lower. The staged dir already holds diff/.
 */
export function prepareDriverDir(layout: Layout, staged: string, linkID: string, parentCacheID?: string, lower?: string): void {
  writeFileSync(join(staged, "link"), linkID, { mode: 0o644 });
  if (parentCacheID === undefined) return;
  mkdirSync(join(staged, "work"), { mode: 0o700 });
  writeFileSync(join(staged, "lower"), lower ?? lowerFor(layout, parentCacheID), { mode: 0o644 });
}

/** After the driver dir is in place: its l/ link, and the parent's `committed` marker. */
export function linkDriverDir(layout: Layout, cacheID: string, linkID: string, parentCacheID?: string, linksMade = false): void {
  if (!linksMade) mkdirSync(layout.links, { recursive: true, mode: 0o700 });
  symlinkSync(join("..", cacheID, "diff"), join(layout.links, linkID));
  if (parentCacheID !== undefined) writeFileSync(join(layout.driverDir(parentCacheID), "committed"), "", { mode: 0o600 });
}

export function removeDriverDir(layout: Layout, cacheID: string): void {
  const link = readTextIfExists(join(layout.driverDir(cacheID), "link"));
  if (link && /^[A-Z2-7]{26}$/.test(link)) rmSync(join(layout.links, link), { force: true });
  rmSync(layout.driverDir(cacheID), { recursive: true, force: true });
}

/** The full paths of a layer's lower diff dirs, as overlay2's getLowerDirs (nearest first). */
export function lowerDirs(layout: Layout, cacheID: string): string[] {
  const lower = readTextIfExists(join(layout.driverDir(cacheID), "lower"));
  if (!lower) return [];
  return lower.split(":").map((l) => resolve(layout.links, readlinkSync(join(layout.overlay, l))));
}
