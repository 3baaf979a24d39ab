import { toContainFile, toHaveLayerCount, toHaveSizeBelow, toHaveWastedBytesBelow } from "./image-matchers.js";
import { toAdd, toDelete } from "./layer-matchers.js";

/** The matchers, for `expect.extend(tsbuildMatchers)` (vitest or jest). */
export const tsbuildMatchers = {
  toHaveLayerCount,
  toHaveSizeBelow,
  toContainFile,
  toHaveWastedBytesBelow,
  toAdd,
  toDelete,
};

/** Their types, for module augmentation (`tsbuild/vitest` does it for vitest). */
export interface TsbuildMatchers<R = unknown> {
  /** The image has exactly `count` layers (empty-layer steps do not count, as in `docker inspect`). */
  toHaveLayerCount(count: number): R;
  /** Docker's image size is less than `bytes` (a number, or "5MB", "1.5 MiB"). */
  toHaveSizeBelow(bytes: number | string): R;
  /** The final filesystem has the path (file, directory, link…); symlinks in its parents are followed. */
  toContainFile(path: string): R;
  /** Fewer than `bytes` of the layers are deleted or overwritten by a later layer (tsbuild's count). */
  toHaveWastedBytesBelow(bytes: number | string): R;
  /** On `image.layer(i)`: the layer creates the path. */
  toAdd(path: string): R;
  /** On `image.layer(i)`: the layer deletes the path. */
  toDelete(path: string): R;
}
