import type { Digest } from "@tsbuild/image";
import type { ImageStore } from "../types.js";
import type { ImportOptions } from "./import.js";

/**
 * The archive commands (import, save, load), loaded when called: with their codecs they are a
 * fifth of the package, and a build or a listing never needs them.
 */
export async function importTar(store: ImageStore, tar: Buffer | NodeJS.ReadableStream, opts: ImportOptions = {}): Promise<Digest> {
  return (await import("./import.js")).importTar(store, tar, opts);
}

export async function saveImages(store: ImageStore, names: string[], out: NodeJS.WritableStream): Promise<void> {
  return (await import("./save.js")).saveImages(store, names, out);
}

export async function loadArchive(store: ImageStore, input: string | Buffer | NodeJS.ReadableStream): Promise<string[]> {
  return (await import("./load.js")).loadArchive(store, input);
}
