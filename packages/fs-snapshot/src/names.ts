/** Path components, dropping empty ones ("a//b", trailing "/"); "." and ".." are kept for the resolver. */
export function splitPath(p: string): string[] {
  return p.split("/").filter((c) => c !== "");
}

/**
 * Byte order of the UTF-8 encodings, which is what Go's filepath.Walk sorts by. UTF-8 order equals
 * code point order; UTF-16 code units only disagree with it when a surrogate meets U+E000..U+FFFF.
 */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

export function sortNames(names: string[]): string[] {
  return names.sort(compareNames);
}
