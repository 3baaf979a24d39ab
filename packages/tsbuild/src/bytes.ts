import { parseBytes as parseSize } from "@tsbuild/explain";

/**
 * A byte count from a number, or from a size as `tsbuild check` rules and dive write them
 * ("512", "10kB", "1.5 MB" in powers of 1000, "4MiB" in powers of 1024), so a matcher and a CI
 * rule read the same text the same way.
 */
export function parseBytes(size: number | string): number {
  if (typeof size === "number") {
    if (!Number.isFinite(size) || size < 0) throw new TypeError(`invalid size ${size}: expected a number of bytes >= 0`);
    return size;
  }
  if (typeof size !== "string") throw new TypeError(`invalid size ${String(size)}: expected a number of bytes or a string like "10kB"`);
  try {
    return parseSize(size.trim());
  } catch (e) {
    throw new TypeError(`${(e as Error).message} (expected bytes like 512, "10kB", "1.5MB" or "4MiB")`);
  }
}
