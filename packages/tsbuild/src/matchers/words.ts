import { posix } from "node:path";
import { shortId } from "@tsbuild/image";
import { humanSize } from "@tsbuild/dockerfmt";
import { describeInstruction, formatLayerTable } from "../layer-table.js";
import type { BuiltImage, BuiltLayer } from "../types.js";

/** "app:latest" or the short ID. */
export function imageName(image: BuiltImage): string {
  return image.tags[0] ?? shortId(image.id);
}

/**
 * "layer(2) (Dockerfile:3 COPY app /app)": numbered as image.layer(i) takes it, from 0 (explain's
 * prose counts from 1, "layer 3"; the call syntax keeps the two apart).
 */
export function layerName(l: BuiltLayer): string {
  return `layer(${l.index}) (${describeInstruction(l)})`;
}

/** "2.14MB (2140160 bytes)" */
export function bytesWords(n: number): string {
  return `${humanSize(n)} (${n} bytes)`;
}

/** "/usr/local/bin/app" for "usr/local/bin/app/", "./usr//local/bin/app". */
export function absolutePath(path: string): string {
  return posix.normalize("/" + path).replace(/(.)\/+$/, "$1");
}

/** The headline, then the image's layer table. */
export function withTable(headline: string, image: BuiltImage, mark: number[] = []): string {
  return `${headline}\n\n${formatLayerTable(image, { mark })}`;
}

/** What each layer did to a path: "layer 1 (…) adds it", "layer 2 (…) deletes it". */
export function pathHistory(image: BuiltImage, path: string): string[] {
  const out: string[] = [];
  for (const l of image.layers) {
    if (l.added.includes(path)) out.push(`${layerName(l)} adds it`);
    else if (l.modified.includes(path)) out.push(`${layerName(l)} changes it`);
    else if (l.deleted.includes(path)) out.push(`${layerName(l)} deletes it`);
    else if (l.deleted.some((d) => path.startsWith(d + "/"))) out.push(`${layerName(l)} deletes a directory above it`);
  }
  return out;
}

/** The layers that touch a path, for marking them in the table. */
export function layersTouching(image: BuiltImage, path: string): number[] {
  return image.layers
    .filter((l) => l.added.includes(path) || l.modified.includes(path) || l.deleted.some((d) => d === path || path.startsWith(d + "/")))
    .map((l) => l.index);
}
