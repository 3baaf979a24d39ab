// Go's time.ParseDuration, for HEALTHCHECK --interval/--timeout/--start-period: Docker
// validates them at parse time and stores nanoseconds in the image config.

import { goQuote } from "@tsbuild/dockerfmt";

const unitNanos: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n, // micro sign
  "\u03bcs": 1_000n, // Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX = 1n << 63n;

export class DurationError extends Error {}

const isDigit = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "9";

/** Parses a Go duration ("1m30s", "1.5h", "-2ms") to nanoseconds. Throws DurationError with Go's message. */
export function parseGoDuration(input: string): bigint {
  const invalid = () => new DurationError(`time: invalid duration ${goQuote(input)}`);
  let s = input;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw invalid();
  let total = 0n;
  while (s !== "") {
    if (!(s[0] === "." || isDigit(s[0]))) throw invalid();
    let i = 0;
    while (isDigit(s[i])) i++;
    const hasInt = i > 0;
    let whole = hasInt ? BigInt(s.slice(0, i)) : 0n;
    if (whole > MAX) throw invalid();
    s = s.slice(i);
    let fraction = 0n;
    let scale = 1n;
    let hasFraction = false;
    if (s.startsWith(".")) {
      s = s.slice(1);
      let j = 0;
      while (isDigit(s[j])) j++;
      hasFraction = j > 0;
      // Go stops accumulating digits once more would overflow; 18 digits are safe.
      const digits = s.slice(0, j).slice(0, 18);
      if (digits !== "") {
        fraction = BigInt(digits);
        scale = 10n ** BigInt(digits.length);
      }
      s = s.slice(j);
    }
    if (!hasInt && !hasFraction) throw invalid();
    let u = 0;
    while (u < s.length && !(s[u] === "." || isDigit(s[u]))) u++;
    if (u === 0) throw new DurationError(`time: missing unit in duration ${goQuote(input)}`);
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = Object.hasOwn(unitNanos, unitName) ? unitNanos[unitName] : undefined;
    if (unit === undefined) {
      throw new DurationError(`time: unknown unit ${goQuote(unitName)} in duration ${goQuote(input)}`);
    }
    if (whole > MAX / unit) throw invalid();
    whole *= unit;
    if (fraction > 0n) {
      // Go computes this part in float64; truncating the exact value agrees except in the last ulp.
      whole += (fraction * unit) / scale;
      if (whole > MAX) throw invalid();
    }
    total += whole;
    if (total > MAX) throw invalid();
  }
  if (negative) return -total;
  if (total > MAX - 1n) throw invalid();
  return total;
}
