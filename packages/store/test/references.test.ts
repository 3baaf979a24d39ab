import { describe, expect, it } from "vitest";
import { memoryStore, openStore, parseNamed, type ImageStore } from "../src/index.js";
import { makeImage } from "./helpers/images.js";
import { tempRoot } from "./helpers/paths.js";

describe("reference parsing (distribution/reference rules, familiar form)", () => {
  it("normalises Docker Hub names and keeps registries", () => {
    expect(parseNamed("busybox")).toEqual({ name: "busybox" });
    expect(parseNamed("docker.io/library/busybox:1")).toEqual({ name: "busybox", tag: "1" });
    expect(parseNamed("index.docker.io/me/app:v2")).toEqual({ name: "me/app", tag: "v2" });
    expect(parseNamed("localhost:5000/x")).toEqual({ name: "localhost:5000/x" });
    expect(parseNamed("a/b@sha256:" + "a".repeat(64))).toEqual({ name: "a/b", digest: "sha256:" + "a".repeat(64) });
  });

  it("refuses what Docker refuses, in Docker's words", () => {
    expect(() => parseNamed("BAD")).toThrow("invalid reference format: repository name must be lowercase");
    expect(() => parseNamed("a:b:c")).toThrow("invalid reference format");
    expect(() => parseNamed("-x")).toThrow("invalid reference format");
    expect(() => parseNamed("a".repeat(64).replace(/a/g, "b"))).toThrow(/cannot specify 64-byte hexadecimal strings/);
  });
});

for (const [kind, make] of [["disk", () => openStore(tempRoot())], ["memory", () => memoryStore()]] as const) {
  describe(`tags and lookups (${kind} store)`, () => {
    const fresh = (): ImageStore => make();

    it("tag defaults to :latest, resolve takes names, full IDs, bare hex and unique prefixes", async () => {
      const store = fresh();
      const a = await makeImage(store);
      const b = await makeImage(store);
      await store.tag("app", a);
      await store.tag("docker.io/me/app:2", b);
      expect(store.resolve("app")).toBe(a);
      expect(store.resolve("app:latest")).toBe(a);
      expect(store.resolve("docker.io/library/app")).toBe(a);
      expect(store.resolve("me/app:2")).toBe(b);
      expect(store.resolve(a)).toBe(a);
      expect(store.resolve(a.slice(7))).toBe(a);
      expect(store.resolve(a.slice(0, 19))).toBe(a);
      expect(store.resolve(a.slice(7, 19))).toBe(a);
      expect(store.resolve("app:nope")).toBeUndefined();
      expect(store.resolve("sha256:" + "f".repeat(64))).toBeUndefined();
      expect(store.tagsOf(a)).toEqual(["app:latest"]);
    });

    it("re-tagging moves a tag; untag removes it", async () => {
      const store = fresh();
      const a = await makeImage(store);
      const b = await makeImage(store);
      await store.tag("x:1", a);
      await store.tag("x:1", b);
      expect(store.tagsOf(a)).toEqual([]);
      expect(store.tagsOf(b)).toEqual(["x:1"]);
      await store.untag("x:1");
      expect(store.resolve("x:1")).toBeUndefined();
      expect(store.lastTagTime(b)).toMatch(/Z$/);
    });

    it("tags are refused with a digest or an ambiguous name", async () => {
      const store = fresh();
      const a = await makeImage(store);
      await expect(store.tag("x@sha256:" + "a".repeat(64), a)).rejects.toThrow("refusing to create a tag with a digest reference");
      await expect(store.tag("sha256:abc", a)).rejects.toThrow("refusing to create an ambiguous tag using digest algorithm as name");
    });

    it("parents and children", async () => {
      const store = fresh();
      const base = await makeImage(store);
      const mid = await makeImage(store, { parent: base });
      const top = await makeImage(store, { parent: mid, layers: [] });
      expect(store.parentOf(top)).toBe(mid);
      expect(store.parentOf(base)).toBeUndefined();
      expect(store.childrenOf(base)).toEqual([mid]);
      expect(store.childrenOf(mid)).toEqual([top]);
      expect(store.childrenOf(undefined)).toEqual([base]);
      const img = store.getImage(top)!;
      expect(img.parent).toBe(mid);
      expect(await img.id()).toBe(top);
      const layers = await img.layers();
      expect(layers).toHaveLength(1 + 1);
      expect(layers[1].parent).toBe(layers[0].chainID);
    });

    it("putImage is idempotent and validates its parent", async () => {
      const store = fresh();
      const base = await makeImage(store);
      const raw = await store.getImage(base)!.rawConfig();
      expect(await store.putImage(raw)).toBe(base);
      await expect(store.putImage(raw, "sha256:" + "9".repeat(64))).rejects.toThrow(/unknown parent image ID/);
    });
  });
}
