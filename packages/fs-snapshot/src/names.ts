import { byteCompare } from "@tsbuild/image";
/** Path components, dropping empty ones ("a//b", trailing "/"); "." and ".." are kept for the resolver. */
export function splitPath(p: string): string[] {
  return p.split("/").filter((c) => c !== "");
}

/** Byte order of the UTF-8 encodings, which is what Go's filepath.Walk sorts by. */
export const compareNames = byteCompare;

export function sortNames(names: string[]): string[] {
  return names.sort(compareNames);
}
