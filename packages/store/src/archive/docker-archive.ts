import type { Digest } from "@tsbuild/image";
import { InvalidReferenceError, parseNamed } from "../reference.js";
import { validateConfig } from "../store.js";
import type { PlannedImage } from "./plan.js";
import { BadArchiveError, type UnpackedArchive } from "./unpack.js";

interface ManifestItem {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
  Parent?: unknown;
}

/** The images of a `docker save` archive (its manifest.json), as moby tarexport Load reads them. */
export function planDockerArchive(archive: UnpackedArchive): PlannedImage[] {
  let manifest: unknown;
  try {
    manifest = JSON.parse(archive.read("manifest.json").toString("utf8"));
  } catch (e) {
    throw new BadArchiveError(`manifest.json: ${(e as Error).message}`);
  }
  if (!Array.isArray(manifest)) throw new BadArchiveError("manifest.json is not a list of images");
  return (manifest as ManifestItem[]).map((m, n) => {
    if (typeof m?.Config !== "string" || !Array.isArray(m.Layers) || !m.Layers.every((l) => typeof l === "string")) {
      throw new BadArchiveError(`manifest.json entry ${n} lacks Config or Layers`);
    }
    if (!archive.has(m.Config)) throw new BadArchiveError(`manifest.json names ${m.Config}, which the archive lacks`);
    const config = archive.read(m.Config);
    let diffIDs: Digest[];
    try {
      diffIDs = validateConfig(config);
    } catch (e) {
      throw new BadArchiveError(`${m.Config}: ${(e as Error).message}`);
    }
    if (m.Layers.length !== diffIDs.length) {
      throw new BadArchiveError(`invalid manifest, layers length mismatch: expected ${m.Layers.length}, got ${diffIDs.length}`);
    }
    const layers = (m.Layers as string[]).map((member, i) => {
      if (!archive.has(member)) throw new BadArchiveError(`manifest.json names ${member}, which the archive lacks`);
      return { member, diffID: diffIDs[i] };
    });
    const tags = (Array.isArray(m.RepoTags) ? m.RepoTags : []).map((t) => {
      try {
        const r = parseNamed(String(t));
        if (r.tag === undefined || r.digest !== undefined) throw new InvalidReferenceError("not a tag");
        return r;
      } catch {
        throw new BadArchiveError(`invalid tag ${JSON.stringify(t)}`);
      }
    });
    const parent = typeof m.Parent === "string" && m.Parent ? (m.Parent as Digest) : undefined;
    return { config, layers, tags, ...(parent ? { parent } : {}) };
  });
}
