import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { HistoryEntry, LayerEntry } from "@tsbuild/image";
import type { AnalyzableImage } from "../../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The conformance data: the repository's copy when present, else shared/ beside the repository. */
export const CONFORMANCE_DIR = [
  path.resolve(here, "../../../../test/conformance"),
  path.resolve(here, "../../../../../shared/conformance"),
].find((d) => fs.existsSync(path.join(d, "base", "busybox-rootfs.tar")))!;

export const BASES_DIR = path.join(CONFORMANCE_DIR, "base");
export const CASES_DIR = path.join(CONFORMANCE_DIR, "cases");

interface Expected {
  image: {
    history: HistoryEntry[];
    diff_ids: string[];
    layers: Array<{ size: number; entries: LayerEntry[] }>;
  };
}

export function caseDir(name: string): string {
  const dir = fs.readdirSync(CASES_DIR).find((d) => d === name || d.startsWith(name + "-"));
  if (!dir) throw new Error(`no conformance case ${name} in ${CASES_DIR}`);
  return path.join(CASES_DIR, dir);
}

/** What real Docker built for a case (its expected.json), as an image to analyse. */
export function dockerImage(name: string): AnalyzableImage {
  const e = JSON.parse(fs.readFileSync(path.join(caseDir(name), "expected.json"), "utf8")) as Expected;
  return {
    config: config(e.image.history, e.image.diff_ids),
    layers: e.image.layers.map((l, i) => ({ diffID: e.image.diff_ids[i], size: l.size, entries: async () => l.entries })),
  };
}

/** An image from hand-written layers: [path, size] for files, "path/" for directories, ".wh." names for whiteouts. */
export function image(layers: Array<Array<string | [string, number] | [string, number, string]>>, history?: HistoryEntry[]): AnalyzableImage {
  return {
    config: config(
      history ?? layers.map((_, i) => ({ created_by: i === 0 ? "" : `/bin/sh -c step ${i}` })),
      layers.map((_, i) => `sha256:${String(i).padStart(64, "0")}`),
    ),
    layers: layers.map((entries, i) => {
      const list: LayerEntry[] = entries.map((e) =>
        typeof e === "string"
          ? { path: e.replace(/\/$/, ""), type: "dir", mode: "0755", uid: 0, gid: 0 }
          : { path: e[0], type: "file", mode: "0644", uid: 0, gid: 0, size: e[1], sha256: e[2] ?? `${e[0]}:${e[1]}` },
      );
      const size = list.reduce((n, x) => n + (x.size ?? 0), 0);
      return { diffID: `sha256:${String(i).padStart(64, "0")}`, size, entries: async () => list };
    }),
  };
}

/** The config fields the analysis reads: history and diffIDs. */
function config(history: HistoryEntry[] | undefined, diffIDs: string[]): AnalyzableImage["config"] {
  return { architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z", config: {} as never, history, rootfs: { type: "layers", diff_ids: diffIDs } };
}
