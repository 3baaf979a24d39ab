/** apk version ordering, simplified: numeric runs compare as numbers, letters by code, "_" suffixes and -rN last. */
function tokens(v: string): Array<number | string> {
  return v.match(/\d+|[a-z]+|[^a-z\d]+/gi)?.map((t) => (/^\d+$/.test(t) ? Number(t) : t)) ?? [];
}

export function compareApkVersions(a: string, b: string): number {
  const x = tokens(a), y = tokens(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i], q = y[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (typeof p === "number" && typeof q === "number") { if (p !== q) return p < q ? -1 : 1; continue; }
    const s = String(p), t = String(q);
    if (s !== t) return s < t ? -1 : 1;
  }
  return 0;
}

export function satisfies(version: string, op: string | undefined, wanted: string | undefined): boolean {
  if (!op || wanted === undefined) return true;
  const c = compareApkVersions(version, wanted);
  switch (op) {
    case "=": return c === 0;
    case ">=": return c >= 0;
    case "<=": return c <= 0;
    case ">": return c > 0;
    case "<": return c < 0;
    default: return version === wanted || version.startsWith(wanted); // ~ and =~: prefix match
  }
}
