/**
 * Go's path.Clean for slash-separated paths. Docker cleans COPY sources, .dockerignore
 * patterns and tar names with it, and its results differ from node's path.posix.normalize
 * (e.g. Clean("") is ".", Clean("a/") is "a").
 */
export function goClean(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  if (rooted) return "/" + joined;
  return joined === "" ? "." : joined;
}

/** Go's sort.Strings order: by UTF-8 bytes, not UTF-16 code units as JS's default sort. */
export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** A context-relative path ("" for the root) cleaned as Docker resolves it; null if it leaves the context. */
export function cleanRelative(p: string): string | null {
  const c = goClean(p.replace(/^\/+/, ""));
  if (c === ".." || c.startsWith("../")) return null;
  return c === "." ? "" : c;
}

// unicode.IsSpace, which strings.TrimSpace uses (JavaScript's \s also takes U+FEFF).
const GO_SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";
const TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, "gu");

/** strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  return s.replace(TRIM, "");
}
