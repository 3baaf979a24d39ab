import { componentsOf, isDir, type INode, type Link } from "./memfs-node.js";
import { forEachLink, type Tree } from "./tree.js";
import type { UpperLayer } from "./upper.js";

/**
 * Carries out already-validated changes on the tree and, while a step is open, records beforehand
 * what overlayfs would put in its upper directory for each (see upper.ts). Every change that adds or
 * removes an entry also sets the directory's mtime, as the kernel does.
 */
export class Changes {
  /** The open step's upper layer; null between steps (changes are then not recorded). */
  upper: UpperLayer | null = null;

  constructor(private readonly tree: Tree) {}

  /** Links a new inode at parent/name. */
  create(parent: Link, name: string, node: INode, now: Date): void {
    this.upper?.placed(componentsOf(parent), name, isDir(node), false);
    this.tree.addEntry(parent, name, node);
    this.tree.setMtime(parent.node, now);
  }

  /** A new name for an existing inode; overlayfs copies the source up before linking it. */
  hardLink(source: Link, parent: Link, name: string, now: Date): void {
    this.copyUp(source);
    this.upper?.placed(componentsOf(parent), name, false, false);
    this.tree.addEntry(parent, name, source.node, true);
    this.tree.setMtime(parent.node, now);
  }

  remove(parent: Link, link: Link, now: Date): void {
    this.upper?.removed(componentsOf(parent), link.name, now);
    this.tree.removeEntry(link);
    this.tree.setMtime(parent.node, now);
  }

  /**
   * Moves `link` to to/name, replacing `replaced` if given. A directory that is not wholly upper
   * can't be renamed by overlay2 without redirect_dir (EXDEV); mv then copies it, so in the layer
   * it is a whiteout plus a fresh copy whose files share no inode with names outside it.
   */
  move(link: Link, to: Link, name: string, replaced: Link | undefined, now: Date): void {
    const from = link.parent!;
    const directory = isDir(link.node);
    if (this.upper) {
      const fromComps = componentsOf(from);
      const upperOnly = directory && this.upper.isUpperOnlyDir(fromComps, link.name);
      if (!directory) this.copyUp(link);
      else if (!upperOnly) this.detachSharedInodes(link);
      this.upper.removed(fromComps, link.name, now);
      this.upper.placed(componentsOf(to), name, directory, replaced !== undefined, upperOnly);
    }
    if (replaced) this.tree.removeEntry(replaced);
    this.tree.moveEntry(link, to, name);
    this.tree.setMtime(from.node, now);
    if (to !== from) this.tree.setMtime(to.node, now);
  }

  /**
   * Call before changing an existing object in place (content, mode, owner, times). On its first
   * copy-up a lower file with other names gets an inode of its own: overlay2 mounts with index=off,
   * so copying up one name leaves the others on the lower inode.
   */
  copyUp(link: Link): void {
    if (!this.upper || link === this.tree.root) return;
    const node = link.node;
    const first = this.upper.copyUp(componentsOf(link.parent!), link.name, isDir(node));
    if (first && !isDir(node) && node.nlink > 1) this.tree.replaceNode(link, this.tree.cloneNode(node));
  }

  private detachSharedInodes(dir: Link): void {
    const groups = new Map<INode, Link[]>();
    forEachLink(dir, (l) => {
      if (isDir(l.node) || l.node.nlink < 2) return;
      const names = groups.get(l.node);
      if (names) names.push(l);
      else groups.set(l.node, [l]);
    });
    for (const [node, names] of groups) {
      if (names.length === node.nlink) continue;
      const copy = this.tree.cloneNode(node);
      copy.nlink = names.length;
      for (const l of names) this.tree.replaceNode(l, copy);
    }
  }
}
