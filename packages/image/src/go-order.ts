/**
 * Go's string order (sort.Strings, filepath.Walk): by UTF-8 bytes, not by UTF-16 code units as
 * JavaScript sorts. UTF-8 order is code point order, which UTF-16 only breaks where a surrogate
 * meets U+E000..U+FFFF; comparing code units with that one correction avoids encoding every name
 * (sorting a large context compares hundreds of thousands of pairs).
 */
export function byteCompare(a: string, b: string): number {
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
