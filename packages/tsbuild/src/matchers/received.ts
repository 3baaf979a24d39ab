import type { BuiltImage, BuiltLayer } from "../types.js";

/** What a matcher sees of vitest's (or jest's) matcher context. */
export interface MatcherContext {
  isNot: boolean;
}

export interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

export function isBuiltImage(v: unknown): v is BuiltImage {
  return typeof v === "object" && v !== null && Array.isArray((v as BuiltImage).layers) && typeof (v as BuiltImage).layer === "function"
    && typeof (v as BuiltImage).file === "function";
}

// "in", not a read: a layer's change lists are worked out when first read.
export function isBuiltLayer(v: unknown): v is BuiltLayer {
  return typeof v === "object" && v !== null && "added" in v && "entries" in v && isBuiltImage((v as BuiltLayer).image);
}

/** A clear TypeError for the usual slips: a promise not awaited, a layer where an image belongs. */
export function expectImage(matcher: string, v: unknown): BuiltImage {
  if (isBuiltImage(v)) return v;
  throw new TypeError(`${matcher}: expected the image build() returns, got ${describeValue(v)}${hint(v)}`);
}

export function expectLayer(matcher: string, v: unknown): BuiltLayer {
  if (isBuiltLayer(v)) return v;
  const layerHint = isBuiltImage(v) ? " (pick a layer: expect(image.layer(i))." + matcher + "(…))" : hint(v);
  throw new TypeError(`${matcher}: expected a layer of a built image (image.layer(i)), got ${describeValue(v)}${layerHint}`);
}

function hint(v: unknown): string {
  return v instanceof Promise ? " — did you forget to await build()?" : "";
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v instanceof Promise) return "a Promise";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `an object with keys ${Object.keys(v).slice(0, 6).join(", ") || "(none)"}`;
  return typeof v;
}
