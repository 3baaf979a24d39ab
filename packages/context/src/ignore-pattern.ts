import { ContextError } from "./errors.js";
import { goClean, goTrimSpace } from "./gopath.js";
import { BadPatternError, checkPattern } from "./gomatch.js";
import { RE2JS, RE2JSSyntaxException } from "re2js";

/**
 * One .dockerignore pattern as moby/patternmatcher v0.6 (the docker CLI's matcher) compiles it:
 * an exact, prefix (`foo**`), suffix (`**foo`) or regular-expression match on a slash path.
 * The Go RE2 expression patternmatcher would build is built here the same way and run by re2js,
 * RE2's syntax and its linear-time matcher.
 */
export class IgnorePattern {
  /** The line as given to the matcher, `!` included. */
  readonly text: string;
  readonly exclusion: boolean;
  /** The cleaned pattern without `!`: what patternmatcher's Pattern.String() returns. */
  readonly cleaned: string;
  /** Number of path segments in the pattern; the parent-directory checks use it. */
  readonly depth: number;
  private readonly kind: "exact" | "prefix" | "suffix" | "regexp";
  private readonly regexp?: RE2JS;

  constructor(text: string) {
    let p = goClean(goTrimSpace(text));
    this.text = text;
    this.exclusion = p.startsWith("!");
    if (this.exclusion) {
      if (p.length === 1) throw new ContextError(`illegal exclusion pattern: "!"`);
      p = p.slice(1);
    }
    try {
      checkPattern(p);
    } catch (e) {
      if (e instanceof BadPatternError) throw new ContextError(`error checking context: ${e.message}`);
      throw e;
    }
    this.cleaned = p;
    this.depth = p.split("/").length;
    const compiled = compile(p);
    this.kind = compiled.kind;
    this.regexp = compiled.regexp;
  }

  matches(path: string): boolean {
    switch (this.kind) {
      case "exact":
        return path === this.cleaned;
      case "prefix":
        return path.startsWith(this.cleaned.slice(0, -2));
      case "suffix": {
        const suffix = this.cleaned.slice(2);
        if (path.endsWith(suffix)) return true;
        // `**/foo` also matches "foo" itself.
        return suffix.startsWith("/") && path === suffix.slice(1);
      }
      case "regexp":
        return this.regexp!.test(path);
    }
  }
}

interface Compiled {
  kind: "exact" | "prefix" | "suffix" | "regexp";
  regexp?: RE2JS;
}

// Runes patternmatcher escapes because they mean something in a regexp but not in a path pattern.
const ESCAPED = new Set([".", "+", "(", ")", "|", "{", "}", "$"]);

/** patternmatcher's Pattern.compile: the match kind and, for "regexp", Go's expression. */
function compile(pattern: string): Compiled {
  const runes = Array.from(pattern);
  let kind: Compiled["kind"] = "exact";
  let re = "^";
  let i = 0;
  for (let token = 0; i < runes.length; token++) {
    const ch = runes[i++];
    if (ch === "*") {
      if (runes[i] === "*") {
        i++;
        // `**/` is treated as `**`.
        if (runes[i] === "/") i++;
        if (i >= runes.length) {
          if (kind === "exact") kind = "prefix";
          else {
            re += ".*";
            kind = "regexp";
          }
        } else {
          re += "(.*/)?";
          kind = "regexp";
        }
        if (token === 0) kind = "suffix";
      } else {
        re += "[^/]*";
        kind = "regexp";
      }
    } else if (ch === "?") {
      re += "[^/]";
      kind = "regexp";
    } else if (ESCAPED.has(ch)) {
      re += "\\" + ch;
    } else if (ch === "\\") {
      if (i < runes.length) {
        re += "\\" + runes[i++];
        kind = "regexp";
      } else {
        // A trailing backslash is kept; as a regexp it is invalid, as an exact match it is literal.
        re += "\\";
      }
    } else if (ch === "[" || ch === "]") {
      re += ch;
      kind = "regexp";
    } else {
      re += ch;
    }
  }
  if (kind !== "regexp") return { kind };
  try {
    // RE2's own syntax and linear-time matching (re2js): a JavaScript RegExp would backtrack,
    // and `*a*a*a…c` against a long name would never finish, where Go answers at once.
    return { kind, regexp: RE2JS.compile(re + "$") };
  } catch (e) {
    if (e instanceof RE2JSSyntaxException) {
      throw new ContextError(`error checking context: syntax error in pattern: ${JSON.stringify(pattern)}`);
    }
    throw e;
  }
}
