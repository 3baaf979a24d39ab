/** Decimal units as Docker prints sizes, binary ones as ls -h and apk do. */
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/**
 * A size as a models file writes it: a whole number of bytes, or a number with a unit
 * ("45.6 MB", "120kB", "1.5 GiB"). Returns undefined when the text is not a size.
 */
export function parseBytes(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const m = value.trim().match(/^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/);
  if (!m) return undefined;
  const unit = UNITS[(m[2] || "b").toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.round(Number(m[1]) * unit);
}

/** Bytes for people, decimal with three significant digits, as `docker images` rounds: "45.6 MB". */
export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))} ${units[i]}`;
}

/** "1,234" */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
