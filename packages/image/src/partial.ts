import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { Digest } from "./digest.js";
import { sha256Digest } from "./digest.js";
import type { ImageConfigFile } from "./config.js";
import { lazy } from "./lazy.js";
import { layerSize } from "./layer-info.js";
import type { Image, Layer } from "./types.js";

type Maybe<T> = T | Promise<T>;

/** What a layer must say for itself; what it leaves out is derived from its tar (go-containerregistry's partial). */
export interface LayerParts {
  /** The uncompressed tar, each call a fresh stream. */
  open(): Maybe<Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>>;
  /** Known already (a config's diffID, a hash taken while writing): skips a pass over the tar. */
  diffID?(): Maybe<Digest>;
  /** Docker's layer size, when known without reading the tar. */
  size?(): Maybe<number>;
}

/** A Layer whose diffID and size are computed once, when first asked, from what `parts` gives. */
export function layerFrom(parts: LayerParts): Layer {
  const open = async (): Promise<Readable> => {
    const s = await parts.open();
    return s instanceof Readable ? s : Readable.from(s);
  };
  return {
    open,
    diffID: lazy(async () => (parts.diffID ? parts.diffID() : hashOf(await open()))),
    size: lazy(async () => (parts.size ? parts.size() : layerSize(await open()))),
  };
}

/** What an image must say for itself: its config bytes and its layers, bottom first. */
export interface ImageParts {
  rawConfig(): Maybe<Buffer>;
  layers(): Maybe<Layer[]>;
}

/** An Image whose ID (sha256 of the config bytes) and parsed config are computed once. */
export function imageFrom(parts: ImageParts): Image {
  const rawConfig = lazy(async () => parts.rawConfig());
  return {
    rawConfig,
    id: lazy(async () => sha256Digest(await rawConfig())),
    config: lazy(async () => JSON.parse((await rawConfig()).toString("utf8")) as ImageConfigFile),
    layers: lazy(async () => parts.layers()),
  };
}

async function hashOf(stream: AsyncIterable<unknown>): Promise<Digest> {
  const h = createHash("sha256");
  for await (const c of stream) h.update(c as Uint8Array);
  return "sha256:" + h.digest("hex");
}
