import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { imageFrom, layerFrom, sha256Digest, type Digest } from "@tsbuild/image";
import { chunksOf, quietUntilRead } from "../layer/ingest.js";
import { familiarString } from "../reference.js";
import type { ImageStore } from "../types.js";
import { decompressed } from "./decompress.js";
import { planDockerArchive } from "./docker-archive.js";
import { planOciArchive } from "./oci-archive.js";
import { LayerChecker, type PlannedImage } from "./plan.js";
import { BadArchiveError, UnpackedArchive } from "./unpack.js";

/**
 * `docker load`: a `docker save` archive (manifest.json) or an OCI image layout archive,
 * plain or gzip'd. Everything is checked before the first write, so a bad archive leaves the
 * store as it was. Returns the lines Docker prints.
 */
export async function loadArchive(store: ImageStore, input: string | Buffer | NodeJS.ReadableStream): Promise<string[]> {
  const source = typeof input === "string" ? quietUntilRead(createReadStream(input)) : chunksOf(input);
  const archive = await UnpackedArchive.from(Readable.from(decompressed(source)));
  try {
    let images: PlannedImage[];
    if (archive.has("manifest.json")) images = planDockerArchive(archive);
    else if (archive.has("index.json") && archive.has("oci-layout")) images = planOciArchive(archive);
    else if (archive.has("repositories")) throw new BadArchiveError("legacy (pre-1.10) image archives are not supported");
    else throw new BadArchiveError("not an image archive: it has neither manifest.json nor an OCI index.json");
    await new LayerChecker(archive, store).check(images);
    return await store.withLock((store) => commit(store, archive, images));
  } finally {
    await archive.close();
  }
}

async function commit(store: ImageStore, archive: UnpackedArchive, images: PlannedImage[]): Promise<string[]> {
  const lines: string[] = [];
  const idLines: string[] = [];
  let tagCount = 0;
  const loaded: Array<{ id: Digest; parent?: Digest; config: Buffer }> = [];

  for (const img of images) {
    // Docker's words for a tag that moves, decided before this image takes it.
    const tagLines: string[] = [];
    const newID = sha256Digest(img.config);
    for (const tag of img.tags) {
      const prev = store.listImages().find((i) => store.tagsOf(i).includes(familiarString(tag)));
      if (prev && prev !== newID) {
        tagLines.push(`The image ${familiarString(tag)} already exists, renaming the old one with ID ${prev} to empty string`);
      }
      tagLines.push(`Loaded image: ${familiarString(tag)}`);
    }
    const image = imageFrom({
      rawConfig: () => img.config,
      layers: () => img.layers.map((l) => layerFrom({ open: () => decompressed(archive.open(l.member)), diffID: () => l.diffID })),
    });
    const id = await store.writeImage(image, img.tags.map(familiarString), {
      layerOptions: (i) => (img.layers[i].compressedDigest ? { compressedDigest: img.layers[i].compressedDigest } : {}),
    });
    idLines.push(`Loaded image ID: ${id}`);
    lines.push(...tagLines);
    // As Docker: the "Loaded image ID" lines appear only when the last image had no tags.
    tagCount = img.tags.length;
    loaded.push({ id, parent: img.parent, config: img.config });
  }

  // Parent links only between images of this archive whose histories fit (checkValidParent).
  const byId = new Map(loaded.map((l) => [l.id, l]));
  for (const l of loaded) {
    const parent = l.parent && byId.get(l.parent);
    if (parent && parent.id !== l.id && validParent(l.config, parent.config)) await store.putImage(l.config, parent.id);
  }
  if (tagCount === 0) lines.push(...idLines);
  return lines;
}

function validParent(child: Buffer, parent: Buffer): boolean {
  const h = (b: Buffer): unknown[] => JSON.parse(b.toString("utf8")).history ?? [];
  const ch = h(child);
  const ph = h(parent);
  if (ch.length === 0 && ph.length === 0) return true;
  if (ch.length - ph.length !== 1) return false;
  return ph.every((e, i) => JSON.stringify(e) === JSON.stringify(ch[i]));
}
