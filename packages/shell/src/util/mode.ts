/**
 * chmod-style modes: octal ("4755") or symbolic clauses ("u+x,go-w", "a=r", "g=u", "+X"),
 * with busybox's rules: without a who-list the umask limits what is added or removed,
 * and "=" clears the who-list's bits (all bits when the list is empty) before setting.
 */

const WHO: Record<string, number> = { a: 0o7777, u: 0o4700, g: 0o2070, o: 0o0007 };
const PERM: Record<string, number> = { r: 0o444, w: 0o222, x: 0o111, X: 0o111, s: 0o6000, t: 0o1000 };

/** The new permission bits, or undefined when `spec` is not a valid mode. */
export function applyMode(spec: string, current: number, opts: { isDir: boolean; umask: number; gnu?: boolean }): number | undefined {
  // coreutils lets "o" reach the sticky bit ("o+t"); busybox does not.
  const whoMap: Record<string, number> = opts.gnu ? { ...WHO, o: 0o1007 } : WHO;
  if (/^[0-7]/.test(spec)) {
    if (!/^[0-7]+$/.test(spec)) return undefined;
    const n = parseInt(spec, 8);
    return n > 0o7777 ? undefined : n;
  }
  let mode = current & 0o7777;
  let i = 0;
  while (i < spec.length) {
    if (spec[i] === ",") {
      i++;
      continue;
    }
    let who = 0;
    while (i < spec.length && spec[i] in WHO) who |= whoMap[spec[i++]];
    if (i >= spec.length) return undefined;
    do {
      const op = spec[i];
      if (op !== "+" && op !== "-" && op !== "=") return undefined;
      i++;
      if (op === "=") mode &= who ? ~who : 0;
      let perms = 0;
      const copyFrom = spec[i];
      if (copyFrom === "u" || copyFrom === "g" || copyFrom === "o") {
        perms = copyPerms(mode, copyFrom);
        i++;
      } else {
        while (i < spec.length && spec[i] in PERM) {
          const c = spec[i++];
          if (c !== "X" || opts.isDir || (mode & 0o111) !== 0) perms |= PERM[c];
        }
      }
      if (perms) {
        perms &= who ? who : ~opts.umask;
        mode = op === "-" ? mode & ~perms : mode | perms;
      }
    } while (i < spec.length && spec[i] !== ",");
  }
  return mode & 0o7777;
}

/** "g=u": the rwx bits of one class, spread to every class (the who-list then picks). */
function copyPerms(mode: number, from: "u" | "g" | "o"): number {
  const bits = from === "u" ? (mode >> 6) & 7 : from === "g" ? (mode >> 3) & 7 : mode & 7;
  return (bits << 6) | (bits << 3) | bits;
}

/** "%04o" of the permission bits. */
export function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}
