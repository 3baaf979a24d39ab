/** Byte counts with the suffixes dd, truncate and head understand. */
const UNITS: Record<string, number> = {
  "": 1, c: 1, w: 2, b: 512,
  k: 1024, K: 1024, KiB: 1024, kB: 1000, KB: 1000,
  M: 1024 ** 2, MiB: 1024 ** 2, MB: 1000 ** 2,
  G: 1024 ** 3, GiB: 1024 ** 3, GB: 1000 ** 3,
  T: 1024 ** 4, TiB: 1024 ** 4, TB: 1000 ** 4,
};

/** "4k", "1M", "512", "2x512" (dd's products); undefined when not a size. */
export function parseSize(text: string): number | undefined {
  let total = 1;
  for (const part of text.split("x")) {
    const m = part.match(/^(\d+)([A-Za-z]*)$/);
    if (!m || !(m[2] in UNITS)) return undefined;
    total *= Number(m[1]) * UNITS[m[2]];
  }
  return Number.isSafeInteger(total) ? total : undefined;
}
