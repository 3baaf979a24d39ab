/**
 * overlay2's whiteouts as Docker's layer tars carry them (moby pkg/archive: WhiteoutPrefix,
 * WhiteoutMetaPrefix, WhiteoutOpaqueDir): the one reading of these names for every package that
 * applies, stacks, measures or browses layers.
 */
export const WHITEOUT_PREFIX = ".wh.";
/** AUFS bookkeeping (`.wh..wh.plnk/`, `.wh..wh.aufs`) in old layers: never part of the content. */
export const WHITEOUT_META_PREFIX = ".wh..wh.";
/** `DIR/.wh..wh..opq`: what lower layers had in DIR is hidden. */
export const WHITEOUT_OPAQUE_DIR = ".wh..wh..opq";

export type Whiteout =
  | { kind: "opaque" }
  /** `.wh.NAME`: NAME (and everything under it) is deleted. */
  | { kind: "delete"; name: string }
  | { kind: "meta" };

/** What an entry's base name says about the layers below it; undefined for an ordinary entry. */
export function whiteoutOf(base: string): Whiteout | undefined {
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  if (base === WHITEOUT_OPAQUE_DIR) return { kind: "opaque" };
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: "meta" };
  return { kind: "delete", name: base.slice(WHITEOUT_PREFIX.length) };
}
