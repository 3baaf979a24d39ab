// Go's time.ParseDuration, as HEALTHCHECK's flags need it.

import { DurationError, parseGoDuration } from "@tsbuild/parser";
import { describe, expect, it } from "vitest";

describe("parseGoDuration", () => {
  it.each([
    ["0", 0n],
    ["30s", 30_000_000_000n],
    ["1m30s", 90_000_000_000n],
    ["1h2m3.5s", 3_723_500_000_000n],
    ["-1.5h", -5_400_000_000_000n],
    ["+5m", 300_000_000_000n],
    [".5s", 500_000_000n],
    ["1.s", 1_000_000_000n],
    ["1us", 1_000n],
    ["1\u00b5s", 1_000n],
    ["1\u03bcs", 1_000n],
    ["7ns", 7n],
    ["2562047h", 9_223_369_200_000_000_000n],
  ])("%s", (text, ns) => expect(parseGoDuration(text)).toBe(ns));

  it.each([
    ["", 'time: invalid duration ""'],
    ["5", 'time: missing unit in duration "5"'],
    ["5x", 'time: unknown unit "x" in duration "5x"'],
    [".s", 'time: invalid duration ".s"'],
    ["s", 'time: invalid duration "s"'],
    ["-", 'time: invalid duration "-"'],
    ["2562048h", 'time: invalid duration "2562048h"'],
    ["9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'],
  ])("%j → %s", (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(DurationError);
    expect(() => parseGoDuration(text)).toThrow(message);
  });
});
