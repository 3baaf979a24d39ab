import { byteCompare, type LayerEntry } from "@tsbuild/image";
import type { DiveFigures } from "./types.js";

/*
 * dive's figures, reproduced from its source (wagoodman/dive: dive/filetree/efficiency.go,
 * file_tree.go, file_node.go, dive/image/analysis.go, dive/image/docker/image_archive.go),
 * quirks included, so that `lowestEfficiency` etc. mean here what they mean in a dive CI run:
 *
 * - each layer is a tree of its tar entries; only the tree's leaves are looked at (a directory
 *   that has entries below it in the same layer is not), in name order, children first;
 * - a leaf's size is its tar header size: regular files their bytes, everything else 0;
 * - a whiteout leaf `.wh.X` stands for X with size 0, unless X was a directory below, then the
 *   sizes of everything under X in the layers below (stacked);
 * - per path: cumulative = sum of its sizes over all layers, minimum = the smallest;
 *   efficiency = Σ minimum / Σ cumulative over every path (1 when Σ cumulative is 0);
 *   wasted bytes = Σ cumulative over the paths seen in two layers or more (every copy, kept or not);
 * - user wasted percent = wasted bytes / (layer sizes except the first), layer size being the
 *   sum of the layer's tar header sizes;
 * - `.wh..wh..opq` entries never enter a tree (dive ignores opaque directories);
 * - a whiteout of a path the layers below do not have stops dive's walk of that layer (the error
 *   is only logged), after registering the path with minimum -1.
 */

interface FileInfo {
  size: number;
  isDir: boolean;
}

class Node {
  readonly children = new Map<string, Node>();
  info: FileInfo = { size: 0, isDir: false };
  constructor(
    readonly name: string,
    readonly parent: Node | undefined,
  ) {}

  /** dive's FileNode.Path(): the whiteout prefix is dropped from the node's own name only. */
  path(): string {
    const names: string[] = [];
    for (let n: Node | undefined = this; n?.parent; n = n.parent) {
      names.unshift(n === this ? n.name.replace(/^\.wh\./, "") : n.name);
    }
    return ("/" + names.join("/")).replace(/\/\//g, "/");
  }

  isWhiteout(): boolean {
    return this.name.startsWith(".wh.");
  }

  sortedChildren(): Node[] {
    return [...this.children.values()].sort((a, b) => byteCompare(a.name, b.name));
  }

  copy(parent: Node | undefined): Node {
    const n = new Node(this.name, parent);
    n.info = { ...this.info };
    for (const [k, c] of this.children) n.children.set(k, c.copy(n));
    return n;
  }
}

class Tree {
  root = new Node("", undefined);

  /** dive's AddPath: intermediate nodes get an empty payload; an existing node keeps its children. */
  addPath(path: string, info: FileInfo): void {
    let node = this.root;
    const names = path.split("/").filter(Boolean);
    for (let i = 0; i < names.length; i++) {
      let child = node.children.get(names[i]);
      if (!child) {
        if (names[i].startsWith(".wh..wh..")) return;
        child = new Node(names[i], node);
        node.children.set(names[i], child);
      }
      node = child;
      if (i === names.length - 1) node.info = { ...info };
    }
  }

  getNode(path: string): Node | undefined {
    let node = this.root;
    for (const name of path.split("/").filter(Boolean)) {
      const child = node.children.get(name);
      if (!child) return undefined;
      node = child;
    }
    return node;
  }

  removePath(path: string): void {
    const node = this.getNode(path);
    if (node?.parent) node.parent.children.delete(node.name);
  }

  /** dive's Stack: whiteouts remove, everything else is added over. */
  stack(upper: Tree): void {
    visitChildFirst(upper.root, (n) => {
      if (n.isWhiteout()) this.removePath(n.path());
      else this.addPath(n.path(), n.info);
      return true;
    });
  }

  copy(): Tree {
    const t = new Tree();
    t.root = this.root.copy(undefined);
    return t;
  }
}

/** Depth first, children before parents, names in byte order, the root never; stops when visit returns false. */
function visitChildFirst(node: Node, visit: (n: Node) => boolean, only?: (n: Node) => boolean): boolean {
  for (const child of node.sortedChildren()) {
    if (!visitChildFirst(child, visit, only)) return false;
  }
  if (!node.parent) return true;
  if (only && !only(node)) return true;
  return visit(node);
}

function treeOf(entries: LayerEntry[]): { tree: Tree; size: number; whiteouts: boolean } {
  const tree = new Tree();
  let size = 0;
  let whiteouts = false;
  for (const e of entries) {
    const path = cleanPath(e.path);
    if (path === ".") continue;
    if (path.includes(".wh.")) whiteouts = true;
    const info = { size: e.type === "file" ? (e.size ?? 0) : 0, isDir: e.type === "dir" };
    size += info.size;
    tree.addPath(path, info);
  }
  return { tree, size, whiteouts };
}

/** Go's path.Clean for the relative names a layer tar holds. */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out.join("/") || ".";
}

interface PathData {
  count: number;
  cumulative: number;
  min: number;
}

/** dive's Analyze over the layers' entries, bottom layer first. */
export function diveFigures(layers: LayerEntry[][]): DiveFigures {
  const trees = layers.map(treeOf);
  const paths = new Map<string, PathData>();
  let below: Tree | undefined;
  trees.forEach(({ tree }, index) => {
    // dive stacks layers 0..index-1 onto a copy of layer 0 for every whiteout; stacking as we go is
    // the same tree. Layer 0's walk only reads it, so it is its own stack.
    const stacked = index === 0 ? tree : below!;
    visitChildFirst(
      tree.root,
      (node) => {
        const path = node.path();
        let data = paths.get(path);
        if (!data) paths.set(path, (data = { count: 0, cumulative: 0, min: -1 }));
        let size = 0;
        if (node.isWhiteout()) {
          const previous = stacked.getNode(path);
          if (!previous) return false;
          if (previous.info.isDir) {
            visitChildFirst(previous, (n) => ((size += n.info.size), true));
            size += previous.info.size;
          }
        } else {
          size = node.info.size;
        }
        data.cumulative += size;
        if (data.min < 0 || size < data.min) data.min = size;
        data.count++;
        return true;
      },
      (node) => node.children.size === 0,
    );
    // StackTreeRange starts from a copy of layer 0 and stacks layer 0 onto it again. Without a
    // whiteout in layer 0 that changes nothing (every path is there, with the same sizes), and no
    // other use of layer 0's tree is left, so it becomes the stack itself (the base's tree is the
    // big one: no copy).
    if (index === 0 && !trees[0].whiteouts) below = tree;
    else {
      if (index === 0) below = tree.copy();
      below!.stack(tree);
    }
  });

  let minimum = 0;
  let discovered = 0;
  let wasted = 0;
  const inefficiencies: DiveFigures["inefficiencies"] = [];
  for (const [path, d] of paths) {
    minimum += d.min;
    discovered += d.cumulative;
    if (d.count >= 2) {
      wasted += d.cumulative;
      inefficiencies.push({ path, count: d.count, cumulativeSize: d.cumulative });
    }
  }
  inefficiencies.sort((a, b) => b.cumulativeSize - a.cumulativeSize || (a.path < b.path ? -1 : 1));
  const sizeBytes = trees.reduce((n, t) => n + t.size, 0);
  const userSizeBytes = sizeBytes - (trees[0]?.size ?? 0);
  return {
    efficiency: discovered === 0 ? 1 : minimum / discovered,
    wastedBytes: wasted,
    userWastedPercent: wasted / userSizeBytes,
    sizeBytes,
    userSizeBytes,
    inefficiencies,
  };
}
