import { describe, expect, it } from "vitest";
import { isFsError, RootFS } from "@tsbuild/fs-snapshot";

// Issue 17: a 5,000-level path overflowed the stack of the recursive layer walk. Linux refuses
// paths of PATH_MAX (4096) bytes or more, Docker's extraction with it, and so does the tree.
describe("paths of PATH_MAX bytes or more", () => {
  it("are refused with ENAMETOOLONG, named by their start and length", () => {
    const fs = new RootFS();
    fs.beginStep();
    const deep = "/" + "a/".repeat(5000) + "f";
    let err: unknown;
    try {
      fs.mkdir(deep, { recursive: true });
    } catch (e) {
      err = e;
    }
    expect(isFsError(err, "ENAMETOOLONG")).toBe(true);
    expect((err as Error).message).toMatch(/^ENAMETOOLONG: name too long, mkdir '\/a\/a\/.*\.\.\. \(\d+ bytes\)'$/);
  });

  it("the deepest tree they allow commits as a layer", async () => {
    const fs = new RootFS();
    fs.beginStep();
    const deep = "/" + "a/".repeat(2040) + "f";
    fs.mkdir(deep.slice(0, deep.lastIndexOf("/")), { recursive: true });
    fs.writeFile(deep, "x");
    const diff = await fs.commitStep();
    expect(diff.entries.length).toBe(2041);
  });
});
