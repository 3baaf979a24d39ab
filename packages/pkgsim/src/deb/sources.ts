import type { FileSystem } from "@tsbuild/fs-snapshot";
import { readText } from "../util/fsutil.js";
import { parseParagraphs, field } from "./control.js";

export interface Source {
  uri: string;
  suite: string;
  components: string[];
  /** Signed-By (a keyring path or an inline armored key), when the source names one. */
  signedBy?: string;
}

function oneLine(line: string): Source | undefined {
  const m = /^\s*deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s+(.*)$/.exec(line);
  if (!m) return undefined;
  const signedBy = /(?:^|\s)signed-by=(\S+)/.exec(m[1] ?? "")?.[1];
  return { uri: m[2], suite: m[3], components: m[4].trim().split(/\s+/), ...(signedBy ? { signedBy } : {}) };
}

/** The deb sources of the image: deb822 *.sources files and one-line sources.list entries. */
export function readSources(fs: FileSystem): Source[] {
  const out: Source[] = [];
  const one = readText(fs, "/etc/apt/sources.list") ?? "";
  for (const line of one.split("\n")) {
    const s = oneLine(line);
    if (s) out.push(s);
  }
  const dir = "/etc/apt/sources.list.d";
  if (fs.exists(dir)) {
    for (const name of fs.readdir(dir)) {
      const text = readText(fs, `${dir}/${name}`) ?? "";
      if (name.endsWith(".sources")) {
        for (const p of parseParagraphs(text.split("\n").filter((l) => !l.startsWith("#")).join("\n"))) {
          if (!(field(p, "Types") ?? "").split(/\s+/).includes("deb")) continue;
          if ((field(p, "Enabled") ?? "yes") === "no") continue;
          for (const uri of (field(p, "URIs") ?? "").split(/\s+/).filter(Boolean)) {
            for (const suite of (field(p, "Suites") ?? "").split(/\s+/).filter(Boolean)) {
              const signedBy = field(p, "Signed-By")?.trim();
              out.push({ uri, suite, components: (field(p, "Components") ?? "").split(/\s+/).filter(Boolean), ...(signedBy ? { signedBy } : {}) });
            }
          }
        }
      } else if (name.endsWith(".list")) {
        for (const line of text.split("\n")) {
          const s = oneLine(line);
          if (s) out.push(s);
        }
      }
    }
  }
  return out;
}

/** apt's file name for an index: the URI without scheme, "/" → "_". */
export function listFileBase(s: Source): string {
  return s.uri.replace(/^[a-z]+:\/\//, "").replace(/\/+$/, "").replaceAll("/", "_") + "_dists_" + s.suite.replaceAll("/", "_");
}

/**
 * Download and on-disk (lz4, as apt stores lists) sizes of the indexes, bytes. Bookworm figures
 * were measured with `apt-get update` in a real debian:bookworm-slim root (2025-05 archive state);
 * Ubuntu figures are estimates (see README).
 */
const SIZES: Record<string, { inRelease: number; packages: Record<string, { download: number; stored: number }> }> = {
  bookworm: { inRelease: 151075, packages: { main: { download: 8_790_000, stored: 18_840_233 } } },
  "bookworm-updates": { inRelease: 55403, packages: { main: { download: 6924, stored: 11648 } } },
  "bookworm-security": { inRelease: 34770, packages: { main: { download: 378_000, stored: 763_339 } } },
  jammy: { inRelease: 270_087, packages: { main: { download: 1_792_000, stored: 5_400_000 }, restricted: { download: 164_000, stored: 500_000 }, universe: { download: 17_500_000, stored: 46_000_000 }, multiverse: { download: 266_000, stored: 800_000 } } },
  "jammy-updates": { inRelease: 128_000, packages: { main: { download: 2_900_000, stored: 9_000_000 }, restricted: { download: 3_400_000, stored: 10_000_000 }, universe: { download: 1_500_000, stored: 4_800_000 }, multiverse: { download: 60_000, stored: 180_000 } } },
  "jammy-backports": { inRelease: 127_000, packages: { main: { download: 81_000, stored: 250_000 }, universe: { download: 33_000, stored: 100_000 } } },
  "jammy-security": { inRelease: 129_000, packages: { main: { download: 2_600_000, stored: 8_000_000 }, restricted: { download: 3_300_000, stored: 9_800_000 }, universe: { download: 1_200_000, stored: 3_700_000 }, multiverse: { download: 50_000, stored: 150_000 } } },
  noble: { inRelease: 256_000, packages: { main: { download: 1_808_000, stored: 5_500_000 }, restricted: { download: 117_000, stored: 380_000 }, universe: { download: 19_300_000, stored: 50_000_000 }, multiverse: { download: 331_000, stored: 1_000_000 } } },
  "noble-updates": { inRelease: 126_000, packages: { main: { download: 1_500_000, stored: 4_600_000 }, restricted: { download: 1_900_000, stored: 5_600_000 }, universe: { download: 1_600_000, stored: 5_000_000 }, multiverse: { download: 30_000, stored: 90_000 } } },
  "noble-backports": { inRelease: 126_000, packages: { main: { download: 40_000, stored: 120_000 }, universe: { download: 30_000, stored: 95_000 } } },
  "noble-security": { inRelease: 126_000, packages: { main: { download: 1_200_000, stored: 3_700_000 }, restricted: { download: 1_800_000, stored: 5_300_000 }, universe: { download: 1_100_000, stored: 3_400_000 }, multiverse: { download: 25_000, stored: 75_000 } } },
};

export function indexSizes(suite: string, component: string): { inRelease: number; download: number; stored: number } {
  const s = SIZES[suite];
  const p = s?.packages[component];
  return { inRelease: s?.inRelease ?? 100_000, download: p?.download ?? 500_000, stored: p?.stored ?? 1_500_000 };
}
