import { posix } from "node:path";

/** Absolute, normalised form of `p` taken relative to the absolute directory `base`. */
export function resolvePath(base: string, p: string): string {
  return posix.resolve(base, p);
}

export function dirname(p: string): string {
  return posix.dirname(p);
}

export function basename(p: string): string {
  return posix.basename(p);
}

export function joinPath(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

/** Quote words so that a POSIX shell reads them back as exactly these words. */
export function shellQuote(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}
