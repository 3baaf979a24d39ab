/**
 * Go's path.Clean for slash-separated paths. Docker cleans COPY sources, .dockerignore
 * patterns and tar names with it, and its results differ from node's path.posix.normalize
 * (e.g. Clean("") is ".", Clean("a/") is "a").
 */
export function goClean(p: string): string {
  if (p === "") return ".";
  if (isClean(p)) return p;
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

/**
 * Already in Clean's form (the common case: names from a directory walk or a tar): no empty,
 * "." or ".." component and no trailing slash, so there is nothing to build.
 */
export function isClean(p: string): boolean {
  if (p === "/") return true;
  if (p.endsWith("/")) return false;
  for (let i = p.startsWith("/") ? 1 : 0; i < p.length; ) {
    let end = p.indexOf("/", i);
    if (end < 0) end = p.length;
    const len = end - i;
    if (len === 0) return false;
    if (p.charCodeAt(i) === 0x2e && (len === 1 || (len === 2 && p.charCodeAt(i + 1) === 0x2e))) return false;
    i = end + 1;
  }
  return true;
}

/** Go's sort.Strings order (UTF-8 bytes). */
export { byteCompare } from "@tsbuild/image";

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
