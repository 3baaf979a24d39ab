import { humanSize } from "@tsbuild/dockerfmt";

/** Sizes as `docker images` prints them: "6.92MB", "38B". */
export const size = humanSize;

/** "/a", "/a and /b", "/a, /b and 4 more". */
export function listPaths(paths: string[], max = 3): string {
  if (paths.length <= 1) return paths[0] ?? "";
  if (paths.length <= max) return paths.slice(0, -1).join(", ") + " and " + paths[paths.length - 1];
  return paths.slice(0, max - 1).join(", ") + ` and ${paths.length - max + 1} more`;
}

export function plural(n: number, one: string, many = one + "s"): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** 1-based, as people count layers: the bottom layer is layer 1. */
export function layerName(index: number): string {
  return `layer ${index + 1}`;
}
