import type { FileSystem } from "@tsbuild/fs-snapshot";
import { parseRelations } from "../control.js";
import { listFileBase, type Source } from "../sources.js";
import { F, NF, scanPackages, type Scan } from "./packages-scan.js";
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

/**
 * Every stanza of an index that has a Package field, as ArchivePackage records (tests, and
 * callers that want the whole list; the index itself decodes only what it is asked for).
 */
export function parsePackages(text: string, baseUri: string, origin: string): ArchivePackage[] {
  const list = new ListFile(Buffer.from(text, "utf8"), baseUri, origin);
  const out: ArchivePackage[] = [];
  for (let i = 0; i < list.scan.count; i++) if (list.has(i, F.package)) out.push(list.record(i));
  return out.filter((p) => p.name);
}

/** The ASCII characters String.prototype.trim removes (tab, newline, vertical tab, form feed, carriage return, space). */
const isBlank = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** One Packages list file: its bytes, where its stanzas and fields lie, and where its packages come from. */
class ListFile {
  readonly scan: Scan;
  constructor(readonly bytes: Buffer, readonly baseUri: string, readonly origin: string) {
    this.scan = scanPackages(bytes);
  }

  has(i: number, f: number): boolean {
    return this.scan.fields[(i * NF + f) * 2] >= 0;
  }

  /** The field's value, decoded and trimmed, or "" when the stanza lacks it. */
  field(i: number, f: number): string {
    const at = (i * NF + f) * 2;
    const start = this.scan.fields[at];
    return start < 0 ? "" : this.bytes.toString("utf8", start, this.scan.fields[at + 1]).trim();
  }

  /**
   * Whether the field's trimmed value is `want` (ASCII), without decoding it: the ASCII blanks
   * around it are what trim() removes; a value with other bytes is decoded and compared.
   */
  fieldIs(i: number, f: number, want: string): boolean {
    const at = (i * NF + f) * 2;
    let start = this.scan.fields[at];
    if (start < 0) return want === "";
    let end = this.scan.fields[at + 1];
    const b = this.bytes;
    while (start < end && isBlank(b[start])) start++;
    while (end > start && isBlank(b[end - 1])) end--;
    if (end - start === want.length) {
      let same = true;
      for (let k = 0; k < want.length && same; k++) same = b[start + k] === want.charCodeAt(k);
      if (same) return true;
    }
    for (let k = start; k < end; k++) if (b[k] >= 0x80) return this.field(i, f) === want;
    return false;
  }

  record(i: number): ArchivePackage {
    const field = (f: number) => this.field(i, f);
    return {
      name: field(F.package),
      version: field(F.version),
      architecture: field(F.architecture),
      multiArch: field(F["multi-arch"]),
      priority: field(F.priority),
      essential: field(F.essential) === "yes",
      depends: field(F.depends),
      preDepends: field(F["pre-depends"]),
      recommends: field(F.recommends),
      provides: field(F.provides),
      filename: field(F.filename),
      size: Number(field(F.size) || 0),
      sha256: field(F.sha256),
      baseUri: this.baseUri,
      origin: this.origin,
      stanza: this.bytes.toString("utf8", this.scan.stanzas[i * 2], this.scan.stanzas[i * 2 + 1]),
    };
  }
}

/** The binary-<arch> Packages list files of a source component, as apt names them. */
export function packagesListPath(s: Source, component: string, arch: string): string {
  return `${LISTS}/${listFileBase(s)}_${component}_binary-${arch}_Packages`;
}

/** A stanza of the index: its list file's position and its own. */
type Ref = number;
const REF_SPAN = 2 ** 24;

/**
 * Every candidate the image's lists offer, by name, highest version first; and who provides what.
 * Loading reads only each stanza's name, architecture and Provides from the lists' bytes (see
 * packages-scan.ts); a package's record is decoded when a lookup first reaches it, and kept, so a
 * record is one object however it is reached (by name, as a candidate, or through a provider).
 */
export class ArchiveIndex {
  private readonly lists: ListFile[] = [];
  private readonly refsByName = new Map<string, Ref[]>();
  private readonly refsByVirtual = new Map<string, Array<{ ref: Ref; version: string }>>();
  private readonly records = new Map<Ref, ArchivePackage>();
  private readonly sorted = new Map<string, ArchivePackage[]>();
  private readonly provided = new Map<string, Array<{ pkg: ArchivePackage; version: string }>>();
  listFiles = 0;

  /** Packages of that name whose architecture is the image's or "all", highest version first (a stable sort: list order breaks ties). */
  readonly byName = {
    get: (name: string): ArchivePackage[] | undefined => {
      let l = this.sorted.get(name);
      if (l) return l;
      const refs = this.refsByName.get(name);
      if (!refs) return undefined;
      l = refs.map((r) => this.record(r)).sort((a, b) => compareVersions(b.version, a.version));
      this.sorted.set(name, l);
      return l;
    },
    has: (name: string): boolean => this.refsByName.has(name),
  };

  /** Who provides a name (each Provides group's first alternative), with the version provided, in list order. */
  readonly providers = {
    get: (name: string): Array<{ pkg: ArchivePackage; version: string }> | undefined => {
      let l = this.provided.get(name);
      if (l) return l;
      const refs = this.refsByVirtual.get(name);
      if (!refs) return undefined;
      l = refs.map(({ ref, version }) => ({ pkg: this.record(ref), version }));
      this.provided.set(name, l);
      return l;
    },
  };

  private record(ref: Ref): ArchivePackage {
    let p = this.records.get(ref);
    if (!p) {
      p = this.lists[Math.floor(ref / REF_SPAN)].record(ref % REF_SPAN);
      this.records.set(ref, p);
    }
    return p;
  }

  private addList(list: ListFile, arch: string): void {
    const n = this.lists.push(list) - 1;
    if (list.scan.count >= REF_SPAN) throw new Error(`${list.origin}: more than ${REF_SPAN} stanzas in one Packages index`);
    for (let i = 0; i < list.scan.count; i++) {
      if (!list.has(i, F.package)) continue;
      const name = list.field(i, F.package);
      if (!name) continue;
      if (!list.fieldIs(i, F.architecture, arch) && !list.fieldIs(i, F.architecture, "all")) continue;
      const ref = n * REF_SPAN + i;
      const same = this.refsByName.get(name);
      if (same) same.push(ref);
      else this.refsByName.set(name, [ref]);
      if (!list.has(i, F.provides)) continue;
      for (const alts of parseRelations(list.field(i, F.provides))) {
        const first = alts[0];
        const version = /^=\s*(\S+)$/.exec(first.constraint)?.[1] ?? "";
        const l = this.refsByVirtual.get(first.name);
        if (l) l.push({ ref, version });
        else this.refsByVirtual.set(first.name, [{ ref, version }]);
      }
    }
  }

  /** The candidate apt would pick: the highest version (every source has the default pin here). */
  candidate(name: string, version?: string): ArchivePackage | undefined {
    const l = this.byName.get(name);
    if (!l) return undefined;
    return version ? l.find((p) => p.version === version) : l[0];
  }

  /** The index of Packages lists' bytes, in sources order. */
  static fromLists(lists: Array<{ bytes: Buffer; baseUri: string; origin: string }>, arch: string): ArchiveIndex {
    const idx = new ArchiveIndex();
    for (const l of lists) {
      idx.listFiles++;
      idx.addList(new ListFile(l.bytes, l.baseUri, l.origin), arch);
    }
    return idx;
  }

  static load(fs: FileSystem, sources: Source[], arch: string): ArchiveIndex {
    const lists = [];
    const seen = new Set<string>();
    for (const s of sources) {
      for (const c of s.components) {
        const path = packagesListPath(s, c, arch);
        if (seen.has(path) || !fs.exists(path)) continue;
        seen.add(path);
        // the tree's own buffers, only read (a 50 MB list is not copied)
        const chunks = [...fs.readChunks(path)];
        lists.push({ bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), baseUri: s.uri.replace(/\/+$/, ""), origin: `${s.suite}/${c}` });
      }
    }
    return ArchiveIndex.fromLists(lists, arch);
  }
}
