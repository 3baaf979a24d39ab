import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LayerPolicy, UnsafeLayerError } from "../src/layer/policy.js";
import { cleanName } from "../src/tarsplit/entry.js";
import type { TarEntry } from "../src/tar/disassemble.js";

/**
 * The layer rules as they were written before the fast paths (plain names, the last parent's
 * ancestors taken as checked): every member split, cleaned and its ancestors walked. The policy
 * must accept and refuse exactly as this does, with the same messages.
 */
class ReferencePolicy {
  private readonly seen = new Map<string, string>();
  private readonly explicit = new Set<string>();

  accept(e: TarEntry): { path: string; linkTarget?: string } {
    const what = JSON.stringify(e.name);
    if (e.name === "") throw new UnsafeLayerError("tar member with an empty name");
    if (e.name.startsWith("/")) throw new UnsafeLayerError(`tar member ${what} has an absolute path`);
    if (e.name.split("/").includes("..")) throw new UnsafeLayerError(`tar member ${what} contains '..'`);
    if (!"0123456g".includes(e.typeflag) || e.typeflag.length !== 1) {
      throw new UnsafeLayerError(`tar member ${what}: unhandled tar header type ${e.typeflag.charCodeAt(0)}`);
    }
    const path = cleanName(e.name);
    if (this.explicit.has(path)) throw new UnsafeLayerError(`duplicates of file paths not supported: ${what}`);
    this.explicit.add(path);
    if (e.typeflag === "g") return { path };
    if (path === ".") {
      if (e.typeflag !== "5") throw new UnsafeLayerError(`tar member ${what}: the layer root must be a directory`);
      return { path };
    }
    const kind = e.typeflag === "5" ? "dir" : e.typeflag === "0" ? "file" : e.typeflag === "2" ? "symlink" : "other";
    for (let slash = path.indexOf("/"); slash >= 0; slash = path.indexOf("/", slash + 1)) {
      const ancestor = path.slice(0, slash);
      const k = this.seen.get(ancestor);
      if (k === "symlink") throw new UnsafeLayerError(`tar member ${what} is beneath the symlink ${JSON.stringify(ancestor)}`);
      if (k && k !== "dir" && k !== "implicit-dir") throw new UnsafeLayerError(`tar member ${what}: ${JSON.stringify(ancestor)} is not a directory`);
    }
    if (this.seen.get(path) === "implicit-dir" && kind !== "dir") throw new UnsafeLayerError(`tar member ${what} would replace a directory that has members`);
    const accepted: { path: string; linkTarget?: string } = { path };
    if (e.typeflag === "2") {
      const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
      const joined = cleanName(dir + "/" + e.linkname);
      if (joined === ".." || joined.startsWith("../")) {
        throw new UnsafeLayerError(`invalid symlink ${what} -> ${JSON.stringify(e.linkname)}: it leads outside the layer`);
      }
    }
    if (e.typeflag === "1") {
      if (e.linkname.split("/").includes("..")) throw new UnsafeLayerError(`hard link ${what} -> ${JSON.stringify(e.linkname)} contains '..'`);
      const target = cleanName(e.linkname.replace(/^\/+/, ""));
      const k = this.seen.get(target);
      if (!k || k === "dir" || k === "implicit-dir") throw new UnsafeLayerError(`hard link ${what} -> ${JSON.stringify(e.linkname)}: no such file in the layer`);
      accepted.linkTarget = target;
    }
    for (let slash = path.indexOf("/"); slash >= 0; slash = path.indexOf("/", slash + 1)) {
      const ancestor = path.slice(0, slash);
      if (!this.seen.has(ancestor)) this.seen.set(ancestor, "implicit-dir");
    }
    this.seen.set(path, kind);
    return accepted;
  }
}

function member(name: string, typeflag: string, linkname = ""): TarEntry {
  return { name, typeflag, linkname, size: 0, mode: 0o644, uid: 0, gid: 0, mtime: 0, uname: "", gname: "", devmajor: 0, devminor: 0, pax: new Map() };
}

/** What a policy says of each member in turn: the accepted entry, or the refusal's message (and nothing after it). */
function verdicts(policy: { accept(e: TarEntry): unknown }, members: TarEntry[]): unknown[] {
  const out: unknown[] = [];
  for (const m of members) {
    try {
      out.push(policy.accept(m));
    } catch (e) {
      out.push((e as Error).message);
      break;
    }
  }
  return out;
}

describe("the layer rules", () => {
  it("accept and refuse as the member-by-member walk does, names in walk order or not", () => {
    const comp = fc.constantFrom("a", "b", "c", ".", "..", "", "d.e");
    const name = fc.tuple(fc.array(comp, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean()).map(
      ([parts, lead, trail]) => (lead ? "/" : "") + parts.join("/") + (trail ? "/" : ""),
    );
    const entry = fc.tuple(name, fc.constantFrom("0", "5", "2", "1", "3", "6", "g", "7"), name).map(([n, t, l]) => member(n, t, l));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (members) => {
        expect(verdicts(new LayerPolicy(), members)).toEqual(verdicts(new ReferencePolicy(), members));
      }),
      { numRuns: 3000 },
    );
  });

  it("still refuses a member beneath a symlink or a file beside the last member's directory", () => {
    const refusal = (members: TarEntry[]) => verdicts(new LayerPolicy(), members).at(-1);
    expect(refusal([member("d/", "5"), member("d/a", "0"), member("d/l", "2", "a"), member("d/l/x", "0")])).toBe('tar member "d/l/x" is beneath the symlink "d/l"');
    expect(refusal([member("d/a", "0"), member("d/b", "0"), member("d", "0")])).toBe('tar member "d" would replace a directory that has members');
    expect(refusal([member("d/a", "0"), member("d/a/b", "0")])).toBe('tar member "d/a/b": "d/a" is not a directory');
  });
});
