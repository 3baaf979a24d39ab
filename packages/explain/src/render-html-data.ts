import type { Analysis, FileChange } from "./types.js";

/** What the page's script needs, compact: a 50k-file image stays a few MB of JSON. */
export interface BrowserData {
  layers: Array<{
    label: string;
    size: number;
    /** [path, type, size] */
    a: Array<[string, string, number]>;
    /** [path, type, size, previousSize] */
    m: Array<[string, string, number, number]>;
    /** [path, type, previousSize] */
    d: Array<[string, string, number]>;
  }>;
  /** dive's inefficient paths: [path, copies, cumulative bytes], largest first. */
  wasted: Array<[string, number, number]>;
}

const TYPE: Record<string, string> = { file: "f", dir: "d", symlink: "l", hardlink: "h" };
const t = (c: FileChange) => TYPE[c.type] ?? "o";

export function browserData(a: Analysis, maxWasted = 500): BrowserData {
  return {
    layers: a.layers.map((l) => ({
      label: `${l.index + 1} · ${l.base ? "(base) " : ""}${l.label}`,
      size: l.size,
      a: l.added.map((c) => [c.path, t(c), c.size]),
      m: l.modified.map((c) => [c.path, t(c), c.size, c.previousSize ?? 0]),
      d: l.deleted.map((c) => [c.path, t(c), c.previousSize ?? 0]),
    })),
    wasted: a.dive.inefficiencies.slice(0, maxWasted).map((w) => [w.path, w.count, w.cumulativeSize]),
  };
}

/** JSON safe inside a <script> element: no `</script>` or `<!--` can end it early. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
