import { readFileSync } from "node:fs";
import { builtinImage, type BuiltinImage } from "@tsbuild/baseimages";
import type { ImageSource } from "@tsbuild/builder";
import { sha256Digest, type Digest } from "@tsbuild/image";
import { importTar, memoryStore, memoryStoreOver, type ImageStore } from "@tsbuild/store";

/**
 * Imports each base (a root filesystem tar) under its reference, as `docker import` does,
 * unless the store already has that reference (a store reused across builds keeps its cache).
 * `sharesBases` (a store made by buildStore()): the tar's layer is ingested once per process
 * into the shared store, and each build's import finds it there, so it only hashes the tar
 * for its config (the image itself, its `created` included, is made per build as before).
 */
export async function importBases(store: ImageStore, bases: Record<string, string | Buffer>, created?: Date, sharesBases = false): Promise<void> {
  for (const [ref, source] of Object.entries(bases)) {
    if (store.resolve(ref)) continue;
    let tar: Buffer;
    try {
      tar = typeof source === "string" ? readFileSync(source) : source;
    } catch (e) {
      throw new Error(`base image ${ref}: cannot read ${source}: ${(e as Error).message}`);
    }
    try {
      if (sharesBases) await shareLayer(tar);
      await importTar(store, tar, { ref, created });
    } catch (e) {
      if (e instanceof Error) e.message = `base image ${ref}: ${e.message}`;
      throw e;
    }
  }
}

/** The diffIDs of base tars already in the shared store, by the sha256 of the tar as given (it may be compressed). */
const sharedTars = new Map<string, Promise<Digest>>();

async function shareLayer(tar: Buffer): Promise<void> {
  const key = sha256Digest(tar);
  let diffID = sharedTars.get(key);
  if (diffID && shared.getLayer(await diffID)) return;
  // Imported once under no name: the shared store keeps the layer (and one small config).
  diffID = importTar(shared, tar).then(async (id) => (await shared.getImage(id)!.config()).rootfs.diff_ids[0] as Digest);
  diffID.catch(() => sharedTars.delete(key));
  sharedTars.set(key, diffID);
  await diffID;
}

/**
 * The built-in images this process has generated, in one memory store that builds read through
 * (memoryStoreOver) and never write to: each base is generated, hashed and ingested once per
 * process instead of once per build (issue 16: debian is 75 MB). An image is the same bytes
 * whichever build asks first, since a built-in image is a pure function of its spec.
 */
const shared = memoryStore();
const sharedIds = new Map<string, Promise<Digest>>();

/** A fresh in-memory store for one build, seeing the process's built-in bases. */
export function buildStore(): ImageStore {
  return memoryStoreOver(shared);
}

function sharedBuiltin(image: BuiltinImage): Promise<Digest> {
  let id = sharedIds.get(image.ref);
  if (!id) {
    id = shared.writeImage(image.image());
    id.catch(() => sharedIds.delete(image.ref));
    sharedIds.set(image.ref, id);
  }
  return id;
}

/**
 * The builder's resolveMissingBase: a FROM name the store lacks that is a built-in image
 * (busybox, alpine, debian, ubuntu) is put into the store with its own config — as a pull
 * would — and tagged as the builder tags it (its name and the name FROM used). A store made by
 * buildStore() already sees it in the process's shared store, so writing it there only tags it.
 */
export function builtinResolver(store: ImageStore, sharesBases = false): (ref: string, locked?: ImageStore) => Promise<Digest | undefined> {
  // `locked`: the store as a build's lock handed it (the image is written through it).
  return async (ref, locked = store) => {
    const image = builtinImage(ref);
    if (!image) return undefined;
    if (sharesBases) await sharedBuiltin(image);
    return locked.writeImage(image.image(), image.tags(ref));
  };
}

/** builtinResolver as a source of the front door's FROM chain. */
export function builtinsSource(store: ImageStore, sharesBases = false): ImageSource {
  return { name: "builtins", find: builtinResolver(store, sharesBases) };
}
