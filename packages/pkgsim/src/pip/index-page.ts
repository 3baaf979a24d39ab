/** A file offered by a simple index (PEP 503 HTML or PEP 691 JSON). */
export interface IndexFile { filename: string; url: string; sha256?: string }

function decodeEntities(s: string): string {
  return s.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)));
}

export function parseIndexPage(body: string, pageUrl: string, contentType = ""): IndexFile[] {
  if (/application\/vnd\.pypi\.simple\.v1\+json/.test(contentType) || body.trimStart().startsWith("{")) {
    const doc = JSON.parse(body) as { files?: Array<{ filename: string; url: string; hashes?: Record<string, string> }> };
    return (doc.files ?? []).map((f) => ({ filename: f.filename, url: new URL(f.url, pageUrl).href, sha256: f.hashes?.sha256 }));
  }
  const out: IndexFile[] = [];
  for (const m of body.matchAll(/<a\s[^>]*href\s*=\s*["']([^"']+)["'][^>]*>([^<]*)<\/a>/gi)) {
    const href = new URL(decodeEntities(m[1]), pageUrl);
    const frag = /^#sha256=([0-9a-f]{64})$/i.exec(href.hash)?.[1];
    href.hash = "";
    out.push({ filename: decodeEntities(m[2]).trim() || decodeURIComponent(href.pathname.split("/").pop() ?? ""), url: href.href, sha256: frag?.toLowerCase() });
  }
  return out;
}

/** PEP 503 name normalisation. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** `dist-version(-build)?-py-abi-plat.whl` → its parts, or undefined for other files. */
export function parseWheelName(filename: string): { name: string; version: string; tags: string[] } | undefined {
  const m = /^([^-]+)-([^-]+)(?:-\d[^-]*)?-([^-]+)-([^-]+)-([^-]+)\.whl$/.exec(filename);
  if (!m) return undefined;
  const tags: string[] = [];
  for (const py of m[3].split(".")) for (const abi of m[4].split(".")) for (const plat of m[5].split(".")) tags.push(`${py}-${abi}-${plat}`);
  return { name: m[1], version: m[2], tags };
}

/** Pure-Python tags an interpreter CPython 3.minor accepts (the platform wheels need a compiler's output: not taken). */
export function pureTags(minor: number): Set<string> {
  const s = new Set<string>();
  for (let m = minor; m >= 0; m--) s.add(`py3${m}-none-any`);
  s.add("py3-none-any");
  s.add(`cp3${minor}-none-any`);
  return s;
}

/** PEP 440 release comparison (numeric segments; a pre/dev/post suffix orders before/after as the spec says, roughly). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^(\d+(?:\.\d+)*)(?:[._-]?(a|b|rc|alpha|beta|c|pre|preview|dev|post)[._-]?(\d*))?/.exec(v.toLowerCase().replace(/^v/, ""));
    const nums = (m?.[1] ?? "0").split(".").map(Number);
    const kind = m?.[2] ?? "";
    const rank = kind === "dev" ? -4 : kind === "a" || kind === "alpha" ? -3 : kind === "b" || kind === "beta" ? -2 : /^(rc|c|pre|preview)$/.test(kind) ? -1 : kind === "post" ? 1 : 0;
    return { nums, rank, n: Number(m?.[3] || 0) };
  };
  const x = parse(a), y = parse(b);
  for (let i = 0; i < Math.max(x.nums.length, y.nums.length); i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return Math.sign(x.rank - y.rank) || Math.sign(x.n - y.n);
}

export function isPrerelease(v: string): boolean {
  return /(a|b|rc|alpha|beta|c|pre|preview|dev)\d*$/i.test(v.replace(/\.post\d+$/i, ""));
}

/** Whether `version` satisfies a comma-separated PEP 440 specifier set (==, !=, >=, <=, >, <, ~=, ===; `==X.*`). */
export function satisfies(version: string, spec: string): boolean {
  for (const part of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^(===|==|!=|~=|>=|<=|>|<)\s*(\S+)$/.exec(part);
    if (!m) return false;
    const [, op, want] = m;
    if ((op === "==" || op === "!=") && want.endsWith(".*")) {
      const prefix = want.slice(0, -2).split(".");
      const hit = prefix.every((s, i) => Number(version.split(".")[i] ?? 0) === Number(s));
      if (hit !== (op === "==")) return false;
      continue;
    }
    const c = compareVersions(version, want);
    const ok = op === "===" ? version === want : op === "==" ? c === 0 : op === "!=" ? c !== 0 : op === ">=" ? c >= 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : op === "<" ? c < 0
      : c >= 0 && compareVersions(version, want.split(".").slice(0, -1).join(".") + ".99999999") <= 0;
    if (!ok) return false;
  }
  return true;
}
