import { describe, expect, it } from "vitest";
import { goDuration, goQuote, goQuoteRune, goQuoteSlice, goSlice } from "../src/index.js";

// Expected values are what Go 1.20's strconv and time packages print.
describe("Go's fmt verbs", () => {
  it("strconv.Quote: printable runes as they are, others escaped", () => {
    const cases: Array<[string, string]> = [['a"b\\c', '"a\\"b\\\\c"'], ["\t\n\x00\x7f", '"\\t\\n\\x00\\x7f"'], ["é", '"é"'], ["\u200b", '"\\u200b"']];
    expect(cases.map(([s]) => goQuote(s))).toEqual(cases.map(([, q]) => q));
  });

  it("%q and %v of a []string, QuoteRune, Duration.String", () => {
    expect(goQuoteSlice(["/bin/sh", "-c", "echo hi"])).toBe('["/bin/sh" "-c" "echo hi"]');
    expect(goSlice(["/a", "/b"])).toBe("[/a /b]");
    expect([3, 39, 65].map(goQuoteRune)).toEqual(["'\\x03'", "'\\''", "'A'"]);
    expect([0, 90e9, 1.5e9, 3600e9].map(goDuration)).toEqual(["0s", "1m30s", "1.5s", "1h0m0s"]);
  });
});
