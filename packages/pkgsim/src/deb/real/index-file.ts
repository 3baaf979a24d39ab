import type { FileSystem } from "@tsbuild/fs-snapshot";
import { parseRelations } from "../control.js";
import { listFileBase, type Source } from "../sources.js";
import { compareVersions } from "./version.js";

export const LISTS = "/var/lib/apt/lists";

/** One stanza of a Packages index, with the fields resolving and downloading need. */
export interface ArchivePackage {
  name: string;
  version: string;
  architecture: string;
  multiArch: string;
  priority: string;
  essential: boolean;
  depends: string;
  preDepends: string;
  recommends: string;
  provides: string;
  filename: string;
  size: number;
  sha256: string;
  /** The archive root the Filename is relative to. */
  baseUri: string;
  /** "bookworm/main" as apt prints it in Get: lines. */
  origin: string;
  /** The stanza as the index holds it (dpkg's status is built from the .deb's own control file). */
  stanza: string;
}

/** The fields an archive package is read for (lower-cased: control field names are case-insensitive). */
const WANTED = new Set(["package", "version", "architecture", "multi-arch", "priority", "essential", "depends", "pre-depends", "recommends", "provides", "filename", "size", "sha256"]);

/**
 * The wanted fields of a stanza, the first of each: its value from after the colon through its
 * continuation lines, trimmed. One pass per stanza: a RegExp per field per stanza was two thirds
 * of a second of every `apt-get install` (63,000 stanzas in bookworm's main).
 */
function fieldsOf(stanza: string): Map<string, string> {
  const fields = new Map<string, string>();
  let key: string | undefined;
  let value = "";
  const flush = () => {
    if (key !== undefined && !fields.has(key)) fields.set(key, value.trim());
  };
  let start = 0;
  while (start <= stanza.length) {
    let end = stanza.indexOf("\n", start);
    if (end < 0) end = stanza.length;
    const first = stanza[start];
    if (first === " " || first === "\t") {
      if (key !== undefined) value += "\n" + stanza.slice(start, end);
    } else {
      flush();
      key = undefined;
      const colon = stanza.indexOf(":", start);
      if (colon > start && colon < end) {
        const name = stanza.slice(start, colon).toLowerCase();
        if (WANTED.has(name)) {
          key = name;
          value = stanza.slice(colon + 1, end);
        }
      }
    }
    start = end + 1;
  }
  flush();
  return fields;
}

export function parsePackages(text: string, baseUri: string, origin: string): ArchivePackage[] {
  const out: ArchivePackage[] = [];
  for (const stanza of text.split(/\n\n+/)) {
    if (!stanza.trim()) continue;
    const f = fieldsOf(stanza);
    const field = (name: string) => f.get(name) ?? "";
    const name = field("package");
    if (!name) continue;
    out.push({
      name,
      version: field("version"),
      architecture: field("architecture"),
      multiArch: field("multi-arch"),
      priority: field("priority"),
      essential: field("essential") === "yes",
      depends: field("depends"),
      preDepends: field("pre-depends"),
      recommends: field("recommends"),
      provides: field("provides"),
      filename: field("filename"),
      size: Number(field("size") || 0),
      sha256: field("sha256"),
      baseUri,
      origin,
      stanza,
    });
  }
  return out;
}

/** The binary-<arch> Packages list files of a source component, as apt names them. */
export function packagesListPath(s: Source, component: string, arch: string): string {
  return `${LISTS}/${listFileBase(s)}_${component}_binary-${arch}_Packages`;
}

/** Every candidate the image's lists offer, by name, highest version first; and who provides what. */
export class ArchiveIndex {
  readonly byName = new Map<string, ArchivePackage[]>();
  readonly providers = new Map<string, Array<{ pkg: ArchivePackage; version: string }>>();
  listFiles = 0;

  add(pkgs: ArchivePackage[], arch: string): void {
    for (const p of pkgs) {
      if (p.architecture !== arch && p.architecture !== "all") continue;
      const list = this.byName.get(p.name) ?? [];
      list.push(p);
      this.byName.set(p.name, list);
      for (const alts of parseRelations(p.provides)) {
        const a = alts[0];
        const version = /^=\s*(\S+)$/.exec(a.constraint)?.[1] ?? "";
        const l = this.providers.get(a.name) ?? [];
        l.push({ pkg: p, version });
        this.providers.set(a.name, l);
      }
    }
  }

  finish(): void {
    for (const l of this.byName.values()) l.sort((a, b) => compareVersions(b.version, a.version));
  }

  /** The candidate apt would pick: the highest version (every source has the default pin here). */
  candidate(name: string, version?: string): ArchivePackage | undefined {
    const l = this.byName.get(name);
    if (!l) return undefined;
    return version ? l.find((p) => p.version === version) : l[0];
  }

  static load(fs: FileSystem, sources: Source[], arch: string): ArchiveIndex {
    const idx = new ArchiveIndex();
    const seen = new Set<string>();
    for (const s of sources) {
      for (const c of s.components) {
        const path = packagesListPath(s, c, arch);
        if (seen.has(path) || !fs.exists(path)) continue;
        seen.add(path);
        idx.listFiles++;
        idx.add(parsePackages(fs.readFile(path).toString("utf8"), s.uri.replace(/\/+$/, ""), `${s.suite}/${c}`), arch);
      }
    }
    idx.finish();
    return idx;
  }
}
