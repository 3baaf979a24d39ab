import { describe, expect, it } from "vitest";
import { parseBytes } from "../src/bytes.js";

describe("parseBytes", () => {
  it("reads numbers and sizes with decimal and binary units", () => {
    expect(parseBytes(512)).toBe(512);
    expect(parseBytes("512")).toBe(512);
    expect(parseBytes("10kB")).toBe(10_000);
    expect(parseBytes("1.5 MB")).toBe(1_500_000);
    expect(parseBytes("4MiB")).toBe(4 * 1024 * 1024);
    expect(parseBytes("2gb")).toBe(2e9);
    expect(parseBytes("100B")).toBe(100);
    expect(parseBytes(".5k")).toBe(500);
    expect(parseBytes(" 1,000 ")).toBe(1000);
  });

  it("refuses what is not a size", () => {
    expect(() => parseBytes("ten")).toThrow('invalid size "ten": no number (expected bytes like 512, "10kB", "1.5MB" or "4MiB")');
    expect(() => parseBytes("5 parsecs")).toThrow(TypeError);
    expect(() => parseBytes(-1)).toThrow("invalid size -1: expected a number of bytes >= 0");
    expect(() => parseBytes(Number.NaN)).toThrow(TypeError);
  });
});
