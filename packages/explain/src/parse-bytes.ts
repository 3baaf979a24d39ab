/**
 * go-humanize's ParseBytes, which dive uses for `highestWastedBytes`: "20MB" = 20,000,000,
 * "20MiB" = 20,971,520, "1,000" = 1000, "1.5 kb" = 1500; a bare number is bytes. Units are
 * case-insensitive; SI units are powers of 1000, IEC (Ki, Mi, …) of 1024.
 */
const UNITS: Record<string, number> = { "": 1, b: 1 };
"kmgtpe".split("").forEach((p, i) => {
  UNITS[p] = UNITS[p + "b"] = 1000 ** (i + 1);
  UNITS[p + "i"] = UNITS[p + "ib"] = 1024 ** (i + 1);
});

export function parseBytes(input: string): number {
  const m = /^[\d.,]*/.exec(input)!;
  const num = m[0].replace(/,/g, "");
  const f = Number(num);
  if (num === "" || !/^\d*\.?\d*$/.test(num) || Number.isNaN(f)) throw new Error(`invalid size ${JSON.stringify(input)}: no number`);
  const unit = input.slice(m[0].length).trim().toLowerCase();
  const mult = UNITS[unit];
  if (mult === undefined) throw new Error(`invalid size ${JSON.stringify(input)}: unhandled size name: ${unit}`);
  return Math.trunc(f * mult);
}
