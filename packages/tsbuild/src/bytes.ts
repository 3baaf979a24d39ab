const UNITS: Record<string, number> = {
  "": 1, b: 1,
  k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2, gi: 1024 ** 3, gib: 1024 ** 3, ti: 1024 ** 4, tib: 1024 ** 4,
};

/**
 * A byte count from a number or a size as people write it: "512", "10kB", "1.5 MB" (powers of
 * 1000, as Docker prints sizes), "4MiB" (powers of 1024). Units are case-insensitive.
 */
export function parseBytes(size: number | string): number {
  if (typeof size === "number") {
    if (!Number.isFinite(size) || size < 0) throw new TypeError(`invalid size ${size}: expected a number of bytes >= 0`);
    return size;
  }
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(size);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new TypeError(`invalid size ${JSON.stringify(size)}: expected bytes like 512, "10kB", "1.5MB" or "4MiB"`);
  }
  return Math.round(Number(m[1]) * unit);
}
