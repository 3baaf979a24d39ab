import { readFileSync } from "node:fs";
import { parseFileLines, placeholderFiles } from "./files.js";
import type { Catalog, Distro, PackageInfo, PackageInput } from "./types.js";

const dataDir = new URL("../../data/", import.meta.url);

/** Which data file each catalog starts from. Ubuntu has no catalog of its own yet (see README). */
const DATA: Record<Distro, { file: string; kind: "apk" | "deb" }> = {
  "alpine-3.19": { file: "alpine-3.19.json", kind: "apk" },
  "alpine-3.20": { file: "alpine-3.20.json", kind: "apk" },
  bookworm: { file: "bookworm.json", kind: "deb" },
  jammy: { file: "bookworm.json", kind: "deb" },
  noble: { file: "bookworm.json", kind: "deb" },
};

export const DISTROS = Object.keys(DATA) as Distro[];

/** Names a relation string mentions as provided: "so:libz.so.1=1.3.1 cmd:gzip" / "awk, mail-transport-agent". */
function providedNames(kind: "apk" | "deb", provides: string): string[] {
  if (!provides) return [];
  const parts = kind === "apk" ? provides.split(/\s+/) : provides.split(",");
  return parts.map((p) => p.trim().replace(/\s*\(.*$/, "").replace(/[=<>~].*$/, "")).filter(Boolean);
}

function toInfo(kind: "apk" | "deb", p: PackageInput): PackageInfo {
  if (!p || typeof p.name !== "string" || typeof p.version !== "string" || typeof p.installedSize !== "number") {
    throw new Error(`pkgsim catalog: a package needs name, version and installedSize: ${JSON.stringify(p).slice(0, 200)}`);
  }
  const installedSize = kind === "deb" ? p.installedSize * 1024 : p.installedSize;
  let files: ReturnType<PackageInfo["files"]> | undefined;
  return {
    name: p.name,
    version: p.version,
    architecture: p.architecture ?? (kind === "apk" ? "x86_64" : "amd64"),
    installedSize,
    downloadSize: p.size ?? Math.round(installedSize * 0.4),
    description: p.description ?? "",
    depends: p.depends ?? "",
    preDepends: p.preDepends ?? "",
    recommends: p.recommends ?? "",
    suggests: p.suggests ?? "",
    provides: p.provides ?? "",
    url: p.url, license: p.license, origin: p.origin, maintainer: p.maintainer, section: p.section,
    priority: p.priority, multiArch: p.multiArch, source: p.source, filename: p.filename, archive: p.archive,
    conffiles: p.conffiles ?? [],
    files: () => (files ??= p.files ? parseFileLines(p.name, p.files) : placeholderFiles(p.name, installedSize)),
  };
}

class MemoryCatalog implements Catalog {
  private byName = new Map<string, PackageInfo>();
  private byProvide = new Map<string, PackageInfo[]>();
  sources: string[] = [];
  constructor(readonly distro: Distro, readonly kind: "apk" | "deb") {}

  get(name: string) { return this.byName.get(name); }
  names() { return [...this.byName.keys()].sort(); }

  providers(name: string): PackageInfo[] {
    const own = this.byName.get(name);
    const others = (this.byProvide.get(name) ?? []).filter((p) => p !== own);
    return own ? [own, ...others] : others;
  }

  add(packages: PackageInput[], source = "user"): void {
    if (!Array.isArray(packages)) throw new Error(`pkgsim catalog ${this.distro}: "packages" must be an array (${source})`);
    for (const input of packages) {
      const info = toInfo(this.kind, input);
      const old = this.byName.get(info.name);
      if (old) for (const n of providedNames(this.kind, old.provides)) {
        this.byProvide.set(n, (this.byProvide.get(n) ?? []).filter((p) => p !== old));
      }
      this.byName.set(info.name, info);
      for (const n of providedNames(this.kind, info.provides)) {
        this.byProvide.set(n, [...(this.byProvide.get(n) ?? []), info]);
      }
    }
    this.sources.push(source);
  }
}

const cache = new Map<Distro, MemoryCatalog>();

/** The catalog of a distro: the shipped data plus whatever extendCatalog added. */
export function catalog(distro: Distro): Catalog {
  const spec = DATA[distro];
  if (!spec) throw new Error(`pkgsim: unknown catalog "${distro}" (known: ${DISTROS.join(", ")})`);
  let c = cache.get(distro);
  if (!c) {
    c = new MemoryCatalog(distro, spec.kind);
    const doc = JSON.parse(readFileSync(new URL(spec.file, dataDir), "utf8")) as { source?: string; packages: PackageInput[] };
    c.add(doc.packages, `${spec.file}: ${doc.source ?? ""}`);
    cache.set(distro, c);
  }
  return c;
}

/** Adds packages from a JSON document `{ "packages": [...] }` (or a path to one) to a catalog. */
export function extendCatalog(distro: Distro, doc: { packages: PackageInput[] } | string): Catalog {
  const c = catalog(distro);
  if (typeof doc === "string") {
    let parsed: { packages: PackageInput[] };
    try {
      parsed = JSON.parse(readFileSync(doc, "utf8"));
    } catch (e) {
      throw new Error(`pkgsim: cannot read catalog file ${doc}: ${(e as Error).message}`);
    }
    c.add(parsed.packages, doc);
  } else {
    c.add(doc.packages, "extendCatalog()");
  }
  return c;
}
