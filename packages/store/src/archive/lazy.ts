import type { Digest } from "@tsbuild/image";
import type { ImageStore } from "../types.js";
import { quietUntilRead } from "../layer/ingest.js";
import type { ImportOptions } from "./import.js";

/**
 * The archive commands (import, save, load), loaded when called: with their codecs they are a
 * fifth of the package, and a build or a listing never needs them. A stream argument is
 * quietened first: it may fail (a missing file) while the module loads, before anyone listens.
 */
export async function importTar(store: ImageStore, tar: Buffer | NodeJS.ReadableStream, opts: ImportOptions = {}): Promise<Digest> {
  quietUntilRead(tar);
  return (await import("./import.js")).importTar(store, tar, opts);
}

export async function saveImages(store: ImageStore, names: string[], out: NodeJS.WritableStream): Promise<void> {
  quietUntilRead(out);
  return (await import("./save.js")).saveImages(store, names, out);
}

export async function loadArchive(store: ImageStore, input: string | Buffer | NodeJS.ReadableStream): Promise<string[]> {
  if (typeof input !== "string") quietUntilRead(input);
  return (await import("./load.js")).loadArchive(store, input);
}
