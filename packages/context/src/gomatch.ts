/**
 * Go's path/filepath.Match on a Unix host: the matcher the classic builder applies to every
 * path of the context for a wildcard COPY source, and the syntax check .dockerignore
 * patterns must pass. `*` and `?` never match "/", `[...]` classes take ranges, `^` negates,
 * `\` escapes. No braces, no globstar, no extglobs: those are what separate it from the
 * shell-style matchers on npm.
 */

/** Thrown for a malformed pattern (Go's filepath.ErrBadPattern). */
export class BadPatternError extends Error {
  constructor(pattern: string) {
    super(`syntax error in pattern: ${JSON.stringify(pattern)}`);
    this.name = "BadPatternError";
  }
}

type Chars = string[];

/** Reports whether name matches pattern; throws BadPatternError for a malformed pattern. */
export function goMatch(pattern: string, name: string): boolean {
  let pat: Chars = Array.from(pattern);
  let rest: Chars = Array.from(name);
  const bad = () => new BadPatternError(pattern);

  outer: while (pat.length > 0) {
    const { star, chunk, tail } = scanChunk(pat);
    pat = tail;
    if (star && chunk.length === 0) {
      // A trailing star matches the rest of the name unless it crosses a "/".
      return !rest.includes("/");
    }
    const first = matchChunk(chunk, rest, bad);
    // On the last chunk the whole name must be used up, or a star could still do better.
    if (first !== null && (first.length === 0 || pat.length > 0)) {
      rest = first;
      continue;
    }
    if (star) {
      for (let i = 0; i < rest.length && rest[i] !== "/"; i++) {
        const t = matchChunk(chunk, rest.slice(i + 1), bad);
        if (t !== null) {
          if (pat.length === 0 && t.length > 0) continue;
          rest = t;
          continue outer;
        }
      }
    }
    // Go checks that the remainder of the pattern is well formed before reporting no match.
    while (pat.length > 0) {
      const next = scanChunk(pat);
      pat = next.tail;
      matchChunk(next.chunk, [], bad);
    }
    return false;
  }
  return rest.length === 0;
}

/** Validates pattern syntax the way patternmatcher.New does (Match against "."). */
export function checkPattern(pattern: string): void {
  goMatch(pattern, ".");
}

function scanChunk(pat: Chars): { star: boolean; chunk: Chars; tail: Chars } {
  let i = 0;
  let star = false;
  while (i < pat.length && pat[i] === "*") {
    i++;
    star = true;
  }
  const start = i;
  let inRange = false;
  scan: for (; i < pat.length; i++) {
    switch (pat[i]) {
      case "\\":
        if (i + 1 < pat.length) i++;
        break;
      case "[":
        inRange = true;
        break;
      case "]":
        inRange = false;
        break;
      case "*":
        if (!inRange) break scan;
        break;
    }
  }
  return { star, chunk: pat.slice(start, i), tail: pat.slice(i) };
}

/** Matches chunk against the start of s; returns the unmatched rest, or null on no match. */
function matchChunk(chunkIn: Chars, sIn: Chars, bad: () => Error): Chars | null {
  let chunk = chunkIn;
  let s = sIn;
  // Like Go, keep scanning after a failure so that a malformed chunk is always reported.
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0];
    if (c === "[") {
      let r = "";
      if (!failed) {
        r = s[0];
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
      let negated = false;
      if (chunk.length > 0 && chunk[0] === "^") {
        negated = true;
        chunk = chunk.slice(1);
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === "]" && nrange > 0) {
          chunk = chunk.slice(1);
          break;
        }
        const lo = getEsc(chunk, bad);
        let hi = lo.ch;
        chunk = lo.rest;
        if (chunk[0] === "-") {
          const h = getEsc(chunk.slice(1), bad);
          hi = h.ch;
          chunk = h.rest;
        }
        const cp = r === "" ? -1 : r.codePointAt(0)!;
        if (lo.ch.codePointAt(0)! <= cp && cp <= hi.codePointAt(0)!) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (c === "?") {
      if (!failed) {
        if (s[0] === "/") failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    } else {
      let lit = c;
      if (c === "\\") {
        chunk = chunk.slice(1);
        if (chunk.length === 0) throw bad();
        lit = chunk[0];
      }
      if (!failed) {
        if (lit !== s[0]) failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    }
  }
  return failed ? null : s;
}

function getEsc(chunk: Chars, bad: () => Error): { ch: string; rest: Chars } {
  if (chunk.length === 0 || chunk[0] === "-" || chunk[0] === "]") throw bad();
  let c = chunk;
  if (c[0] === "\\") {
    c = c.slice(1);
    if (c.length === 0) throw bad();
  }
  const rest = c.slice(1);
  if (rest.length === 0) throw bad();
  return { ch: c[0], rest };
}

/** The classic builder's test for a wildcard source: an unescaped `*`, `?` or `[`. */
export function containsWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === "\\") i++;
    else if (ch === "*" || ch === "?" || ch === "[") return true;
  }
  return false;
}
