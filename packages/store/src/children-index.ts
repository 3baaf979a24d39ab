import { statSync } from "node:fs";
import type { Digest } from "@tsbuild/image";
import type { Backend } from "./backend.js";

/**
 * Parent → children, as Docker's image store keeps it in memory (image/store.go `children`), so
 * the builder's cache probe does not list every image and read every `parent` file at each step
 * (issue 16: cost grew with images × steps). Built on first use from the backend, in
 * listImages() order; dropped when this process writes an image or a parent link (the backend's
 * writers are wrapped), and, for a store on disk, when the image directory changes under
 * another process (its mtime is checked at each lookup: one stat instead of a listing). Images
 * without a parent are read again at each lookup: another process writes an image's config
 * before its parent link, and such an image must not stay indexed as parentless.
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
        this.index = undefined;
        try {
          return await original.apply(backend, args);
        } finally {
          this.index = undefined;
        }
      };
    }
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
