import type { TarEntry } from "../tar/disassemble.js";
import { cleanName } from "../tarsplit/entry.js";

export class UnsafeLayerError extends Error {}

type Kind = "dir" | "implicit-dir" | "file" | "symlink" | "other";

function kindOf(typeflag: string): Kind {
  switch (typeflag) {
    case "5": return "dir";
    case "0": return "file";
    case "2": return "symlink";
    default: return "other";
  }
}

export interface LayerRules {
  /**
   * Accept symlinks whose target climbs above the layer root (a build's own layer: in the image
   * the target resolves at `/`). Off for archives and registries, which are untrusted.
   */
  climbingSymlinks?: boolean;
  /** Record BuildKit's layer size (regular file bytes only) instead of the classic one. */
  payloadSize?: boolean;
}

/** What an accepted member becomes in the layer: its clean relative path ("." for the root). */
export interface AcceptedEntry {
  path: string;
  /** For hard links: the clean relative path of the target. */
  linkTarget?: string;
}

/**
 * The rules a layer tar must follow before anything is written: no member may land or
 * point outside the layer, no path may pass through a symlink or a non-directory of the
 * layer, and (as Docker's tar-split packer) no path may appear twice.
 *
 * Stricter than Docker, as the project asks: absolute member names and names with `..`
 * are refused, where Docker's chrooted extraction would re-root them.
 */
export class LayerPolicy {
  private readonly seen = new Map<string, Kind>();
  private readonly explicit = new Set<string>();
  private lastParent: string | undefined;

  constructor(private readonly rules: LayerRules = {}) {}

  accept(e: TarEntry): AcceptedEntry {
    // Most names (every name of a layer built here) are plain relative paths: no string is made
    // for them but the path without its trailing slash.
    const plain = plainName(e.name);
    if (plain === undefined) {
      const what = JSON.stringify(e.name);
      if (e.name === "") throw new UnsafeLayerError("tar member with an empty name");
      if (e.name.startsWith("/")) throw new UnsafeLayerError(`tar member ${what} has an absolute path`);
      if (e.name.split("/").includes("..")) throw new UnsafeLayerError(`tar member ${what} contains '..'`);
    }
    if (e.typeflag.length !== 1 || !"0123456g".includes(e.typeflag)) {
      throw new UnsafeLayerError(`tar member ${JSON.stringify(e.name)}: unhandled tar header type ${e.typeflag.charCodeAt(0)}`);
    }
    const path = plain ?? cleanName(e.name);
    // tar-split refuses a second record for the same cleaned name (pax global headers included).
    if (this.explicit.has(path)) throw new UnsafeLayerError(`duplicates of file paths not supported: ${JSON.stringify(e.name)}`);
    this.explicit.add(path);
    if (e.typeflag === "g") return { path };

    if (path === ".") {
      if (e.typeflag !== "5") throw new UnsafeLayerError(`tar member ${JSON.stringify(e.name)}: the layer root must be a directory`);
      return { path };
    }
    const kind = kindOf(e.typeflag);
    // The parent of the last accepted member, whose ancestors were all checked as directories then
    // (and registered): a directory stays one (a second member for it is refused), so a member
    // beside it needs neither walk (a tar in walk order puts most members beside the previous one).
    const lastSlash = path.lastIndexOf("/");
    const sameParent = lastSlash > 0 && this.lastParent !== undefined && lastSlash === this.lastParent.length && path.startsWith(this.lastParent);
    for (let slash = sameParent ? -1 : path.indexOf("/"); slash >= 0; slash = path.indexOf("/", slash + 1)) {
      const ancestor = path.slice(0, slash);
      const k = this.seen.get(ancestor);
      if (k === "symlink") throw new UnsafeLayerError(`tar member ${JSON.stringify(e.name)} is beneath the symlink ${JSON.stringify(ancestor)}`);
      if (k && k !== "dir" && k !== "implicit-dir") {
        throw new UnsafeLayerError(`tar member ${JSON.stringify(e.name)}: ${JSON.stringify(ancestor)} is not a directory`);
      }
    }
    const existing = this.seen.get(path);
    if (existing === "implicit-dir" && kind !== "dir") {
      throw new UnsafeLayerError(`tar member ${JSON.stringify(e.name)} would replace a directory that has members`);
    }

    const accepted: AcceptedEntry = { path };
    if (e.typeflag === "2" && !this.rules.climbingSymlinks) {
      // Docker's breakout check: the target, joined to the link's directory, stays in the layer.
      const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
      const joined = cleanName(dir + "/" + e.linkname);
      if (joined === ".." || joined.startsWith("../")) {
        throw new UnsafeLayerError(`invalid symlink ${JSON.stringify(e.name)} -> ${JSON.stringify(e.linkname)}: it leads outside the layer`);
      }
    }
    if (e.typeflag === "1") {
      if (e.linkname.split("/").includes("..")) {
        throw new UnsafeLayerError(`hard link ${JSON.stringify(e.name)} -> ${JSON.stringify(e.linkname)} contains '..'`);
      }
      const target = cleanName(e.linkname.replace(/^\/+/, ""));
      const k = this.seen.get(target);
      if (!k || k === "dir" || k === "implicit-dir") {
        throw new UnsafeLayerError(`hard link ${JSON.stringify(e.name)} -> ${JSON.stringify(e.linkname)}: no such file in the layer`);
      }
      accepted.linkTarget = target;
    }

    for (let slash = sameParent ? -1 : path.indexOf("/"); slash >= 0; slash = path.indexOf("/", slash + 1)) {
      const ancestor = path.slice(0, slash);
      if (!this.seen.has(ancestor)) this.seen.set(ancestor, "implicit-dir");
    }
    this.seen.set(path, kind);
    if (lastSlash > 0 && !sameParent) this.lastParent = path.slice(0, lastSlash);
    return accepted;
  }
}

/**
 * The name as cleanName would give it when it is a plain relative path (components that are
 * neither empty, "." nor "..", at most one trailing slash), else undefined: then the full rules
 * and cleanName apply.
 */
function plainName(name: string): string | undefined {
  let end = name.length;
  if (end > 0 && name.charCodeAt(end - 1) === 0x2f) end--;
  if (end === 0) return undefined;
  let start = 0;
  for (let i = 0; i <= end; i++) {
    if (i < end && name.charCodeAt(i) !== 0x2f) continue;
    const len = i - start;
    if (len === 0) return undefined;
    if (name.charCodeAt(start) === 0x2e && (len === 1 || (len === 2 && name.charCodeAt(start + 1) === 0x2e))) return undefined;
    start = i + 1;
  }
  return end === name.length ? name : name.slice(0, end);
}
