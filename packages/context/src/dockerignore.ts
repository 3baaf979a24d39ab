import { goClean, goTrimSpace } from "./gopath.js";
import { IgnorePattern } from "./ignore-pattern.js";

export { IgnorePattern } from "./ignore-pattern.js";

/**
 * The lines of a .dockerignore as moby/patternmatcher/ignorefile.ReadAll returns them:
 * BOM stripped, `#` lines skipped, whitespace trimmed, each path cleaned, one leading "/" dropped,
 * `!` kept in front.
 */
export function readDockerignoreLines(text: string | Buffer): string[] {
  let s = typeof text === "string" ? text : text.toString("utf8");
  if (s.startsWith("\uFEFF")) s = s.slice(1);
  const out: string[] = [];
  for (const rawLine of splitScannerLines(s)) {
    if (rawLine.startsWith("#")) continue;
    let pattern = goTrimSpace(rawLine);
    if (pattern === "") continue;
    const invert = pattern.startsWith("!");
    if (invert) pattern = goTrimSpace(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = goClean(pattern);
      if (pattern.length > 1 && pattern.startsWith("/")) pattern = pattern.slice(1);
    }
    out.push(invert ? "!" + pattern : pattern);
  }
  return out;
}

/** Parses a .dockerignore into compiled patterns; throws ContextError for an invalid pattern. */
export function parseDockerignore(text: string | Buffer): IgnorePattern[] {
  return compilePatterns(readDockerignoreLines(text));
}

/** patternmatcher.New: empty lines dropped, each line compiled. */
export function compilePatterns(lines: string[]): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const line of lines) {
    if (goTrimSpace(line) === "") continue;
    out.push(new IgnorePattern(line));
  }
  return out;
}

/**
 * Whether the CLI leaves `path` (slash-separated, relative to the context) out of the build
 * context: the last pattern matching the path or one of its parent directories decides
 * (patternmatcher's MatchesOrParentMatches). The context root is never ignored.
 */
export function isIgnored(path: string, patterns: IgnorePattern[]): boolean {
  const file = goClean(path);
  if (file === ".") return false;
  const parents = parentPrefixes(file);
  let matched = false;
  for (const p of patterns) {
    // Evaluating these could not change the outcome.
    if (p.exclusion !== matched) continue;
    const hit = p.matches(file) || parents.some((dir) => p.matches(dir));
    if (hit) matched = !p.exclusion;
  }
  return matched;
}

/**
 * patternmatcher.Matches, the older rule the daemon (and the CLI, to decide whether to keep the
 * Dockerfile and .dockerignore) uses: only the parent prefix with as many segments as the
 * pattern is tried.
 */
export function matchesSingleParent(path: string, patterns: IgnorePattern[]): boolean {
  const file = goClean(path);
  if (file === ".") return false;
  const parentDirs = goDir(file).split("/");
  const hasParent = goDir(file) !== ".";
  let matched = false;
  for (const p of patterns) {
    if (p.exclusion !== matched) continue;
    let hit = p.matches(file);
    if (!hit && hasParent && p.depth <= parentDirs.length) {
      hit = p.matches(parentDirs.slice(0, p.depth).join("/"));
    }
    if (hit) matched = !p.exclusion;
  }
  return matched;
}

/** Per-pattern results for a directory, handed to its children during a walk. */
export type ParentMatches = boolean[] | null;

/**
 * patternmatcher.MatchesUsingParentResults, the rule the CLI applies while it walks the context
 * to build the tar: a pattern that matched the parent directory counts as matching the child.
 * With no parent results it falls back to checking every parent prefix.
 */
export function matchesUsingParentResults(
  path: string,
  patterns: IgnorePattern[],
  parent: ParentMatches,
): { matched: boolean; results: boolean[] } {
  const results = new Array<boolean>(patterns.length).fill(false);
  let matched = false;
  const parents = parent === null ? parentPrefixes(path) : [];
  patterns.forEach((p, i) => {
    let hit = parent !== null && parent[i];
    if (!hit) {
      if (p.exclusion !== matched) return;
      hit = p.matches(path) || (parent === null && parents.some((dir) => p.matches(dir)));
    }
    results[i] = hit;
    if (hit) matched = !p.exclusion;
  });
  return { matched, results };
}

/** "a/b/c" → ["a", "a/b"]. */
function parentPrefixes(file: string): string[] {
  const parts = file.split("/");
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join("/"));
  return out;
}

function goDir(file: string): string {
  const i = file.lastIndexOf("/");
  return i < 0 ? "." : goClean(file.slice(0, i) || "/");
}

/** bufio.Scanner's ScanLines: split on "\n", drop one trailing "\r", no empty last line. */
function splitScannerLines(s: string): string[] {
  const lines = s.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}
