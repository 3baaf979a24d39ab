/**
 * A model of overlayfs's upper directory for the open step: what a step has copied up, created and
 * whited out, keyed by path. Everything not recorded here (and not below a "fresh" directory) is
 * unchanged since the step began, so the recorded paths are the whole diff.
 *
 * - `dir`: a directory in the upper dir. `merged` (hadLower, not opaque): a copy-up whose lower
 *   children still show through, so only its recorded children differ. Otherwise it is fresh —
 *   created in the step (`!hadLower`) or opaque (created where something was deleted) — and its
 *   whole current subtree belongs to the layer, so nothing below it needs recording.
 * - `node`: a non-directory copied up or created in the step.
 * - `whiteout`: something that existed when the step began and is gone.
 */
export type UpperRecord = UpperDir | UpperNode | UpperWhiteout;

export interface UpperDir {
  kind: "dir";
  hadLower: boolean;
  opaque: boolean;
  children: Map<string, UpperRecord>;
}

export interface UpperNode {
  kind: "node";
  hadLower: boolean;
}

export interface UpperWhiteout {
  kind: "whiteout";
  /** When the path was deleted: the whiteout's own timestamp. */
  mtime: Date;
}

export function isFresh(d: UpperDir): boolean {
  return d.opaque || !d.hadLower;
}

export class UpperLayer {
  readonly root: UpperDir = { kind: "dir", hadLower: true, opaque: false, children: new Map() };

  /**
   * Copies up a path whose object existed when the step began (a metadata or content change).
   * Returns true when this is its first copy-up, i.e. the object was still the lower one.
   */
  copyUp(parent: readonly string[], name: string, isDirectory: boolean): boolean {
    const dir = this.dirFor(parent);
    if (!dir || dir.children.has(name)) return false;
    dir.children.set(name, isDirectory ? mergedDir() : { kind: "node", hadLower: true });
    return true;
  }

  /**
   * A new object now occupies `parent/name` (created, or renamed there). `existed`: something was
   * at that path just before (it is being replaced).
   */
  placed(parent: readonly string[], name: string, isDirectory: boolean, existed: boolean, movedUpperDir = false): void {
    const dir = this.dirFor(parent);
    if (!dir) return;
    const prev = dir.children.get(name);
    const hadLower = prev ? prev.kind === "whiteout" || prev.hadLower : existed;
    // overlayfs marks a directory created over a whiteout opaque, whatever the lower object was, and
    // (ovl_rename) a directory of the upper layer alone renamed into a merged one (recorded in the generated g- cases).
    const opaque = hadLower || movedUpperDir;
    dir.children.set(name, isDirectory ? { kind: "dir", hadLower, opaque, children: new Map() } : { kind: "node", hadLower });
  }

  /** The object at `parent/name` is gone (its subtree with it). */
  removed(parent: readonly string[], name: string, when: Date): void {
    const dir = this.dirFor(parent);
    if (!dir) return;
    const prev = dir.children.get(name);
    const hadLower = prev ? prev.kind === "whiteout" || prev.hadLower : true;
    if (hadLower) dir.children.set(name, { kind: "whiteout", mtime: when });
    else dir.children.delete(name);
  }

  /** Whether the directory at `parent/name` is wholly upper: fresh itself or inside a fresh one. */
  isUpperOnlyDir(parent: readonly string[], name: string): boolean {
    const dir = this.peekDir(parent);
    if (dir === null) return true;
    const rec = dir.children.get(name);
    return rec !== undefined && rec.kind === "dir" && isFresh(rec);
  }

  /**
   * The record of directory `comps`, copying up the ancestors on the way (their entries change);
   * null when the path lies inside a fresh directory, where nothing needs recording.
   */
  private dirFor(comps: readonly string[]): UpperDir | null {
    let d = this.root;
    for (const c of comps) {
      if (d !== this.root && isFresh(d)) return null;
      let next = d.children.get(c);
      if (!next) {
        next = mergedDir();
        d.children.set(c, next);
      } else if (next.kind !== "dir") {
        throw new Error(`fs-snapshot: journal out of step with the tree at /${comps.join("/")}`);
      }
      d = next;
    }
    return d !== this.root && isFresh(d) ? null : d;
  }

  /** Like dirFor, without recording: null inside a fresh directory, the merged record otherwise. */
  private peekDir(comps: readonly string[]): UpperDir | null {
    let d: UpperDir | undefined = this.root;
    for (const c of comps) {
      if (d !== this.root && isFresh(d)) return null;
      const next: UpperRecord | undefined = d.children.get(c);
      if (!next) return emptyMerged;
      if (next.kind !== "dir") throw new Error(`fs-snapshot: journal out of step with the tree at /${comps.join("/")}`);
      d = next;
    }
    return d !== this.root && isFresh(d) ? null : d;
  }
}

// Stands for an unrecorded (still lower) directory in peekDir's answers; never mutated.
const emptyMerged: UpperDir = { kind: "dir", hadLower: true, opaque: false, children: new Map() };

function mergedDir(): UpperDir {
  return { kind: "dir", hadLower: true, opaque: false, children: new Map() };
}
