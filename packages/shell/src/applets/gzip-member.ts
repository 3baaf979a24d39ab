import { type BusyboxBuild, busyboxGzip, type DeflateState, gnuGzip } from "@tsbuild/archive";
import type { ProcessFs } from "../sandbox/process-fs.js";

/**
 * busybox's gzip output depends on its build (CONFIG_GZIP_FAST sizes the hash and the blocks,
 * FEATURE_GZIP_LEVELS honours -4..-9): Debian's busybox-static (the conformance busybox images;
 * measured against /bin/busybox) is 2 without levels, Alpine's 2 with levels (aports'
 * busyboxconfig), and an upstream `make defconfig` build (Docker Hub's busybox) 0 without.
 * The binary's version string names Debian's; /etc/alpine-release names Alpine.
 */
export function busyboxBuild(fs: ProcessFs): BusyboxBuild {
  for (const p of ["/bin/busybox", "/usr/bin/busybox"]) {
    if (fs.tryStat(p)?.type !== "file") continue;
    try {
      if (fs.readFile(p).includes("(Debian ")) return { gzipFast: 2, levels: false };
    } catch {
      // unreadable: judge by the release file
    }
    break;
  }
  if (fs.tryStat("/etc/alpine-release")?.type === "file") return { gzipFast: 2, levels: true };
  return { gzipFast: 0, levels: false };
}

/**
 * A gzip member as the flavour's gzip writes it, deflate data included (packages/archive's
 * port of gzip's deflate): GNU stores the name and mtime of a file (not with -n, nor from a
 * pipe) and marks -1/-9 in XFL; busybox stores neither.
 */
export function gzipMember(
  data: Buffer,
  o: { level: number; name?: string; mtime?: number; gnu: boolean; build?: BusyboxBuild; state?: DeflateState },
): Buffer {
  const out = o.gnu
    ? gnuGzip(data, { level: o.level, name: o.name, mtime: o.mtime, state: o.state })
    : busyboxGzip(data, { level: o.level, build: o.build, state: o.state });
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}

export const TRY_HELP = "Try `gzip --help' for more information.";
const ENV_LONGS: Record<string, string> = { "no-name": "n", name: "N", quiet: "q", verbose: "v", fast: "1", best: "9" };

/**
 * GNU gzip reads options from $GZIP first: levels, -n/-N, -q, -v only, and warns that the
 * variable is deprecated unless one of them was -q. GNU tar's gzip sees it too.
 */
export function gnuEnvOptions(env: Record<string, string>): { letters: string; warning: string } | { error: string } {
  const words = (env.GZIP ?? "").split(/[ \t\n]+/).filter(Boolean);
  let letters = "";
  for (const w of words) {
    // getopt would end the options at "--"; gzip rejects it in $GZIP instead.
    if (w === "--") return { error: `gzip: --: option not valid in GZIP environment variable\n${TRY_HELP}\n` };
    if (!w.startsWith("-") || w === "-") return { error: `gzip: ${w}: non-option in GZIP environment variable\n${TRY_HELP}\n` };
    const ls = w.startsWith("--") ? ENV_LONGS[w.slice(2)] : w.slice(1);
    if (ls === undefined) return { error: `gzip: ${w}: option not valid in GZIP environment variable\n${TRY_HELP}\n` };
    for (const c of ls) {
      if (!/[nNqv1-9]/.test(c)) return { error: `gzip: -${c}: option not valid in GZIP environment variable\n${TRY_HELP}\n` };
    }
    letters += ls;
  }
  const warning = words.length && !letters.includes("q") ? "gzip: warning: GZIP environment variable is deprecated; use an alias or script\n" : "";
  return { letters, warning };
}
