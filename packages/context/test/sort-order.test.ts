import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byteCompare, sortBytewise } from "../src/gopath.js";

describe("sortBytewise", () => {
  it("orders as Go's sort.Strings (UTF-8 bytes), surrogates and code units above them included", () => {
    const unit = fc.constantFrom("a", "B", "~", "é", "\u00ff", "\u07ff", "\ud7ff", "\ue000", "\uffff", "😀", "𝄞", "/", ".");
    fc.assert(
      fc.property(fc.array(fc.array(unit, { maxLength: 4 }).map((u) => u.join("")), { maxLength: 12 }), (items) => {
        const bytes = [...items].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(sortBytewise([...items])).toEqual(bytes);
        expect([...items].sort(byteCompare)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });
});
