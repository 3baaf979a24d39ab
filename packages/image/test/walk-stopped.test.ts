import { describe, expect, test } from "vitest";
import { walkPath, type PathNodes } from "../src/index.js";

const tree: Record<string, string> = { "/usr": "d", "/bin": "-> usr", "/f": "f" };

function walk(path: string): { code?: string; stopped?: [string, string[]] } {
  let stopped: [string, string[]] | undefined;
  const nodes: PathNodes<string> = {
    child: (dir, name) => {
      const p = (dir === "/" ? "" : dir) + "/" + name;
      return p in tree ? p : undefined;
    },
    isDir: (p) => p === "/" || tree[p] === "d",
    linkTarget: (p) => (tree[p]?.startsWith("-> ") ? tree[p].slice(3) : undefined),
    stopped: (at, rest) => {
      stopped = [at, rest];
    },
  };
  const w = walkPath("/", path.split("/").filter(Boolean), false, nodes);
  return { code: w.ok ? undefined : w.code, stopped };
}

/** What the shell's mount-aware views need of the one path walk: where it stopped, and what was left. */
describe("walkPath tells where it stopped short", () => {
  test("at the last directory reached before a missing one, with the rest from the missing one on (after links)", () => {
    expect(walk("/bin/lib/x/..")).toEqual({ code: "ENOENT", stopped: ["/usr", ["lib", "x", ".."]] });
  });
  test("at a non-directory with components left", () => {
    expect(walk("/f/x/y")).toEqual({ code: "ENOTDIR", stopped: ["/f", ["x", "y"]] });
  });
  test("not at all when the walk ends (a missing last component is no stop)", () => {
    expect(walk("/bin/new")).toEqual({ code: undefined, stopped: undefined });
  });
});
