import { statSync } from "node:fs";
import type { Digest } from "@tsbuild/image";
import type { Backend } from "./backend.js";

/**
 * Parent → children, as Docker's image store keeps it in memory (image/store.go `children`), so
 * the builder's cache probe does not list every image and read every `parent` file at each step
 * (issue 16: cost grew with images × steps). Built on first use from the backend, in
 * listImages() order. This process's own writes of an image or a parent link (the backend's
 * writers are wrapped) update it in place on disk (a build among 5,000 images re-read every
 * parent file at each step otherwise) and drop it in memory, where rebuilding costs no I/O; a
 * store on disk is rebuilt when its image directory changes under another process (its mtime
 * is checked at each lookup: one stat instead of a listing). Writers hold the store lock, so the
 * directory's stamp taken after an own write can only reflect that write. Images without a
 * parent are read again at each lookup: another process writes an image's config before its
 * parent link, and such an image must not stay indexed as parentless.
 */
interface Index {
  byParent: Map<Digest | undefined, Digest[]>;
  stamp: string | undefined;
}

const indexes = new WeakMap<Backend, ChildrenIndex>();

export function childrenIndex(backend: Backend, parentOf: (id: Digest) => Digest | undefined): ChildrenIndex {
  let index = indexes.get(backend);
  if (!index) {
    index = new ChildrenIndex(backend, parentOf);
    indexes.set(backend, index);
  }
  return index;
}

export class ChildrenIndex {
  private index: Index | undefined;
  private readonly imageDir: string | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly parentOf: (id: Digest) => Digest | undefined,
  ) {
    this.imageDir = (backend as { layout?: { imageContent?: string } }).layout?.imageContent;
    const b = backend as unknown as Record<string, unknown>;
    for (const name of ["writeImage", "removeImage", "setMetadata", "deleteMetadata"] as const) {
      const original = backend[name] as (...args: unknown[]) => Promise<void>;
      b[name] = async (...args: unknown[]) => {
        // Metadata other than the parent link (a build record, lastUpdated) lives outside the
        // image directory and leaves the index as it is: no stamps to take (two stats a step).
        if ((name === "setMetadata" || name === "deleteMetadata") && args[1] !== "parent") return original.apply(backend, args);
        // Current before the write (another process's changes included), else rebuilt later.
        const index = this.imageDir && this.index?.stamp === this.stamp() ? this.index : undefined;
        this.index = undefined;
        await original.apply(backend, args);
        if (index && this.applied(index, name, args as [Digest, string?, string?])) {
          index.stamp = this.stamp();
          this.index = index;
        }
      };
    }
  }

  /** Applies one own write to the index; false when its effect is not known (then it is rebuilt). */
  private applied(index: Index, name: string, [id, key, value]: [Digest, string?, string?]): boolean {
    if (name === "writeImage") {
      if (!this.find(index, id)) insertSorted(index.byParent, undefined, id);
      return true;
    }
    if (name === "removeImage") {
      const at = this.find(index, id);
      if (at) at.splice(at.indexOf(id), 1);
      return true;
    }
    if (key !== "parent") return true;
    const at = this.find(index, id);
    if (!at) return false;
    at.splice(at.indexOf(id), 1);
    insertSorted(index.byParent, name === "setMetadata" ? (value as Digest) : undefined, id);
    return true;
  }

  /** The list holding id: under its parent as the backend now records it (one file read), or parentless. */
  private find(index: Index, id: Digest): Digest[] | undefined {
    for (const list of [index.byParent.get(this.parentOf(id)), index.byParent.get(undefined)]) {
      if (list?.includes(id)) return list;
    }
    for (const list of index.byParent.values()) if (list.includes(id)) return list;
    return undefined;
  }

  childrenOf(id: Digest | undefined): Digest[] {
    const stamp = this.stamp();
    if (!this.index || this.index.stamp !== stamp || this.orphanAdopted(this.index)) this.index = this.build(stamp);
    return [...(this.index.byParent.get(id) ?? [])];
  }

  private orphanAdopted(index: Index): boolean {
    return (index.byParent.get(undefined) ?? []).some((c) => this.parentOf(c) !== undefined);
  }

  private build(stamp: string | undefined): Index {
    const byParent = new Map<Digest | undefined, Digest[]>();
    for (const c of this.backend.imageIDs()) {
      const p = this.parentOf(c);
      const list = byParent.get(p);
      if (list) list.push(c);
      else byParent.set(p, [c]);
    }
    return { byParent, stamp };
  }

  /** The image directory's change time on disk (nanoseconds); undefined in memory. */
  private stamp(): string | undefined {
    if (!this.imageDir) return undefined;
    const st = statSync(this.imageDir, { bigint: true, throwIfNoEntry: false });
    return st ? `${st.mtimeNs}:${st.ctimeNs}:${st.ino}` : "none";
  }
}

/** Keeps each list in imageIDs() order on disk (sorted by ID), as a rebuild would make it. */
function insertSorted(byParent: Map<Digest | undefined, Digest[]>, parent: Digest | undefined, id: Digest): void {
  const list = byParent.get(parent);
  if (!list) {
    byParent.set(parent, [id]);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, id);
}
