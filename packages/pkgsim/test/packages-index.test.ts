import { describe, expect, it } from "vitest";
import { parsePackages } from "../src/deb/real/internals.js";

// The archive's Packages index, as apt reads it: deb822 stanzas whose field names are
// case-insensitive, whose values run on through continuation lines, and whose first
// occurrence of a field counts.
describe("a Packages index", () => {
  it("reads each stanza's fields, continuation lines and all", () => {
    const text = [
      "Package: libfoo1",
      "Version: 1:2.0-3",
      "architecture: amd64",
      "Depends: libc6 (>= 2.34),",
      " libbar2 (>= 1.0)",
      "Description: a library",
      " Package: not a field, a description line",
      "Size:  1234 ",
      "SHA256: abc",
      "Filename: pool/main/f/foo/libfoo1_2.0-3_amd64.deb",
      "Essential: yes",
      "Version: 9.9",
      "",
      "",
      "Description: no package name here",
      "",
      "Package: tool",
      "Multi-Arch: foreign",
      "Provides: tool-any",
      "\tcontinued",
    ].join("\n");
    const [foo, tool, ...more] = parsePackages(text, "http://archive", "bookworm/main");
    expect(more).toEqual([]);
    expect(foo).toMatchObject({
      name: "libfoo1", version: "1:2.0-3", architecture: "amd64", depends: "libc6 (>= 2.34),\n libbar2 (>= 1.0)",
      size: 1234, sha256: "abc", filename: "pool/main/f/foo/libfoo1_2.0-3_amd64.deb", essential: true, provides: "", baseUri: "http://archive", origin: "bookworm/main",
    });
    expect(tool).toMatchObject({ name: "tool", multiArch: "foreign", provides: "tool-any\n\tcontinued", version: "", size: 0, essential: false });
    expect(tool.stanza).toBe("Package: tool\nMulti-Arch: foreign\nProvides: tool-any\n\tcontinued");
  });
});
