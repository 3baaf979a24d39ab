/** One package of an APKINDEX (the fields apk_pkg_add_info reads). */
export interface IndexPackage {
  /** C: — "Q1" + base64 SHA-1 of the package's compressed control stream. */
  checksum: string;
  name: string;
  version: string;
  /** A: — absent: the database's architecture (apk_repo_format_real_url). */
  arch?: string;
  size: number;
  installedSize: number;
  description: string;
  url: string;
  license: string;
  origin?: string;
  maintainer?: string;
  buildTime?: number;
  commit?: string;
  providerPriority?: number;
  depends: string[];
  provides: string[];
  installIf: string[];
  /** The repository line the package came from. */
  repo: string;
}

const words = (s: string | undefined) => (s ?? "").split(/\s+/).filter(Boolean);

/** Parses the APKINDEX text: records of "K:value" lines separated by blank lines. */
export function parseApkIndex(text: string, repo: string): IndexPackage[] {
  const out: IndexPackage[] = [];
  for (const block of text.split(/\n\n+/)) {
    const f = new Map<string, string>();
    for (const line of block.split("\n")) if (line.length > 1 && line[1] === ":") f.set(line[0], line.slice(2));
    if (!f.get("P") || !f.get("V")) continue;
    const num = (k: string) => (f.has(k) ? Number(f.get(k)) : undefined);
    out.push({
      checksum: f.get("C") ?? "", name: f.get("P")!, version: f.get("V")!, arch: f.get("A"),
      size: num("S") ?? 0, installedSize: num("I") ?? 0, description: f.get("T") ?? "", url: f.get("U") ?? "",
      license: f.get("L") ?? "", origin: f.get("o"), maintainer: f.get("m"), buildTime: num("t"), commit: f.get("c"),
      providerPriority: num("k"), depends: words(f.get("D")), provides: words(f.get("p")), installIf: words(f.get("i")), repo,
    });
  }
  return out;
}

/** The header lines of a package record, in apk_pkg_write_index_header's order. */
export function headerLines(p: IndexPackage): string[] {
  const lines = [`C:${p.checksum}`, `P:${p.name}`, `V:${p.version}`, ...(p.arch ? [`A:${p.arch}`] : []), `S:${p.size}`,
    `I:${p.installedSize}`, `T:${p.description}`, `U:${p.url}`, `L:${p.license}`];
  if (p.origin) lines.push(`o:${p.origin}`);
  if (p.maintainer) lines.push(`m:${p.maintainer}`);
  if (p.buildTime) lines.push(`t:${p.buildTime}`);
  if (p.commit) lines.push(`c:${p.commit}`);
  if (p.providerPriority) lines.push(`k:${p.providerPriority}`);
  if (p.depends.length) lines.push(`D:${p.depends.join(" ")}`);
  if (p.provides.length) lines.push(`p:${p.provides.join(" ")}`);
  if (p.installIf.length) lines.push(`i:${p.installIf.join(" ")}`);
  return lines;
}
