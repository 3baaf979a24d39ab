import { describe, expect, it } from "vitest";
import { chainIDs, sha256Digest, parseNamed, withDefaultTag, familiarString, serializeConfig, emptyContainerConfig, EMPTY_LAYER_DIFF_ID } from "@tsbuild/image";

describe("digests", () => {
  it("chains diffIDs as moby's CreateChainID does", () => {
    const a = "sha256:" + "a".repeat(64), b = "sha256:" + "b".repeat(64);
    expect(chainIDs([a, b])).toEqual([a, sha256Digest(a + " " + b)]);
  });
  it("knows the empty tar's diffID", () => {
    expect(sha256Digest(Buffer.alloc(1024))).toBe(EMPTY_LAYER_DIFF_ID);
  });
});

describe("references", () => {
  it("defaults the tag to latest and prints the familiar form", () => {
    expect(withDefaultTag(parseNamed("busybox"))).toEqual({ name: "busybox", tag: "latest" });
    expect(parseNamed("localhost:5000/a/b:1")).toEqual({ name: "localhost:5000/a/b", tag: "1" });
    expect(familiarString(withDefaultTag(parseNamed("docker.io/library/foo")))).toBe("foo:latest");
  });
  it("rejects upper case as Docker does", () => {
    expect(() => parseNamed("Foo")).toThrow(/invalid reference format/);
  });
});

describe("config bytes", () => {
  it("sorts top-level keys and keeps container.Config field order", () => {
    const cfg = emptyContainerConfig();
    cfg.Env = ["A=<1>"];
    const s = serializeConfig({ architecture: "amd64", os: "linux", config: cfg, created: "2020-01-01T00:00:00Z", rootfs: { type: "layers", diff_ids: [] } }).toString();
    expect(s.startsWith('{"architecture":"amd64","config":{"Hostname":""')).toBe(true);
    expect(s).toContain('"Env":["A=\\u003c1\\u003e"]');
    expect(s.indexOf('"created"')).toBeLessThan(s.indexOf('"os"'));
  });
});
