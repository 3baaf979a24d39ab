import { describe, expect, it } from "vitest";
import { goDuration, goQuote, goQuoteRune, goQuoteSlice, goSlice } from "../src/index.js";

// Expected values are what Go 1.20's strconv and time packages print.
describe("Go's fmt verbs", () => {
  it("strconv.Quote: printable runes as they are, others escaped", () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote("\t\n\x00\x7f")).toBe('"\\t\\n\\x00\\x7f"');
    expect(goQuote("é")).toBe('"é"');
    expect(goQuote("\u200b")).toBe('"\\u200b"');
  });

  it("%q and %v of a []string, QuoteRune, Duration.String", () => {
    expect(goQuoteSlice(["/bin/sh", "-c", "echo hi"])).toBe('["/bin/sh" "-c" "echo hi"]');
    expect(goSlice(["/a", "/b"])).toBe("[/a /b]");
    expect(goQuoteRune(3)).toBe("'\\x03'");
    expect(goQuoteRune(39)).toBe("'\\''");
    expect(goQuoteRune(65)).toBe("'A'");
    expect(goDuration(0)).toBe("0s");
    expect(goDuration(90e9)).toBe("1m30s");
    expect(goDuration(1.5e9)).toBe("1.5s");
    expect(goDuration(3600e9)).toBe("1h0m0s");
  });
});
