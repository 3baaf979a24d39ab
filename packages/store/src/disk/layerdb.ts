import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Digest } from "@tsbuild/image";
import type { LayerRecord } from "../backend.js";
import { readTextIfExists } from "./fsutil.js";
import type { Layout } from "./layout.js";

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const HEX_RE = /^[a-f0-9]{64}$/;

export class LayerRecordError extends Error {}

/** Reads layerdb/sha256/<chainID>/{diff,size,cache-id,parent}; undefined when absent. */
export function readLayerRecord(layout: Layout, chainID: Digest): LayerRecord | undefined {
  if (!DIGEST_RE.test(chainID)) return undefined;
  const dir = layout.layerDir(chainID);
  const diffID = readTextIfExists(join(dir, "diff"));
  if (diffID === undefined) return undefined;
  const size = readTextIfExists(join(dir, "size"));
  const cacheID = readTextIfExists(join(dir, "cache-id"));
  const parent = readTextIfExists(join(dir, "parent"));
  const bad = (what: string) => new LayerRecordError(`layer ${chainID}: ${what}`);
  if (!DIGEST_RE.test(diffID)) throw bad(`diff file holds ${JSON.stringify(diffID)}, not a sha256 digest`);
  if (size === undefined || !/^\d+$/.test(size)) throw bad(`size file holds ${JSON.stringify(size)}, not a decimal`);
  if (cacheID === undefined || !HEX_RE.test(cacheID)) throw bad(`cache-id file holds ${JSON.stringify(cacheID)}, not 64 hex digits`);
  if (parent !== undefined && !DIGEST_RE.test(parent)) throw bad(`parent file holds ${JSON.stringify(parent)}, not a sha256 digest`);
  return { chainID, diffID, size: Number(size), cacheID, ...(parent !== undefined ? { parent } : {}) };
}

export function listLayerIDs(layout: Layout): Digest[] {
  return listHexDir(layout.layerdb).map((h) => "sha256:" + h);
}

export function listHexDir(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => HEX_RE.test(n)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}
