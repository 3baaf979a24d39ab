import { describe, expect, test } from "vitest";
import { MAX_SYMLINK_HOPS, walkPath, type PathNodes } from "../src/index.js";

/** A tree of paths: "d" directory, "f" file, "-> target" symlink. */
function nodes(tree: Record<string, string>): PathNodes<string> {
  return {
    child: (dir, name) => {
      const p = (dir === "/" ? "" : dir) + "/" + name;
      return p in tree ? p : undefined;
    },
    isDir: (p) => p === "/" || tree[p] === "d",
    linkTarget: (p) => (tree[p]?.startsWith("-> ") ? tree[p].slice(3) : undefined),
  };
}

const walk = (tree: Record<string, string>, path: string, followLast = false) =>
  walkPath("/", path.split("/").filter(Boolean), followLast, nodes(tree));

describe("walkPath: the one resolver of image paths", () => {
  const tree = { "/usr": "d", "/usr/bin": "d", "/usr/bin/sh": "f", "/bin": "-> usr/bin", "/abs": "-> /usr", "/up": "-> ../../usr", "/f": "f" };

  test("follows links in parents, relative, absolute and climbing above the root, not the last one unless asked", () => {
    expect(walk(tree, "/bin/sh")).toMatchObject({ ok: true, node: "/usr/bin/sh", name: "sh" });
    expect(walk(tree, "/abs/bin/sh")).toMatchObject({ ok: true, node: "/usr/bin/sh" });
    expect(walk(tree, "/up/bin/sh")).toMatchObject({ ok: true, node: "/usr/bin/sh" });
    expect(walk(tree, "/bin")).toMatchObject({ ok: true, node: "/bin", dirRef: false });
    expect(walk(tree, "/bin", true)).toMatchObject({ ok: true, node: "/usr/bin", name: "bin", dirs: ["/", "/usr"] });
    expect(walk(tree, "/usr/bin/..")).toMatchObject({ ok: true, node: "/usr", dirRef: true, names: ["usr"] });
  });

  test("a missing last component is found missing; anything else is an error code", () => {
    expect(walk(tree, "/usr/new")).toMatchObject({ ok: true, node: undefined, name: "new", dirs: ["/", "/usr"] });
    expect(walk(tree, "/nope/x")).toEqual({ ok: false, code: "ENOENT" });
    expect(walk(tree, "/f/x")).toEqual({ ok: false, code: "ENOTDIR" });
    expect(walk({ "/a": "-> b", "/b": "-> a" }, "/a/x")).toEqual({ ok: false, code: "ELOOP" });
    expect(walk({ "/e": "-> " }, "/e/x")).toEqual({ ok: false, code: "ENOENT" });
  });

  test("stops after Linux's 40 links, not before", () => {
    const chain: Record<string, string> = { "/t": "d" };
    for (let i = 0; i < MAX_SYMLINK_HOPS; i++) chain[`/l${i}`] = i === MAX_SYMLINK_HOPS - 1 ? "-> t" : `-> l${i + 1}`;
    expect(walk(chain, "/l0", true)).toMatchObject({ ok: true, node: "/t" });
    chain["/l-1"] = "-> l0";
    expect(walk(chain, "/l-1/x")).toEqual({ ok: false, code: "ELOOP" });
  });
});
