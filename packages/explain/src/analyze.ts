import type { BuildRecord, HistoryEntry, LayerEntry } from "@tsbuild/image";
import { diveFigures } from "./dive.js";
import { findAll } from "./findings/index.js";
import { stackLayers } from "./layer-view.js";
import { describeStep } from "./steps.js";
import type { AnalyzableImage, Analysis, LayerAnalysis } from "./types.js";

/** An AnalyzableImage whose layers' entries are already at hand. */
export type ListedImage = Omit<AnalyzableImage, "layers"> & { layers: Array<{ diffID: AnalyzableImage["layers"][number]["diffID"]; size: number }> };

/**
 * Everything `tsbuild explain` says about an image, from its config and its layers' entries:
 * what each layer adds, changes and deletes, which of its bytes later layers hide, dive's
 * figures and tsbuild's own, and the findings. Reads each layer's entries once.
 */
export async function analyzeImage(img: AnalyzableImage): Promise<Analysis> {
  return analyzeListed(img, await Promise.all(img.layers.map((l) => l.entries())));
}

/**
 * analyzeImage with every layer's entries given (entries[i] for layer i): synchronous, so that a
 * caller can run the analysis when its result is first read rather than ahead of time.
 */
export function analyzeListed(img: ListedImage, entries: LayerEntry[][]): Analysis {
  const history = img.config.history ?? [];
  const layerHistory = historyOfLayers(history, img.layers.length);
  const records = img.records ?? [];
  const baseLayers = countBaseLayers(layerHistory.map((h) => (h >= 0 ? records[h] : undefined)), img.layers.length);
  const { changes, view } = stackLayers(entries);

  const layers: LayerAnalysis[] = img.layers.map((l, i) => {
    const h = layerHistory[i];
    const record = h >= 0 ? records[h] : undefined;
    const step = describeStep(i, h >= 0 ? history[h] : undefined, record);
    const c = changes[i];
    return {
      index: i,
      diffID: l.diffID,
      size: l.size,
      createdBy: h >= 0 ? (history[h].created_by ?? "") : "(missing)",
      historyIndex: h,
      label: step.label,
      instruction: step.instruction,
      text: step.text,
      base: i < baseLayers,
      ...(record ? { record } : {}),
      added: c.added,
      modified: c.modified,
      deleted: c.deleted,
      hiddenBytes: c.hidden.reduce((n, x) => n + x.size, 0),
      hidden: c.hidden.map(({ path, size, byLayer, how }) => ({ path, size, byLayer, how })),
    };
  });

  let wastedBytes = 0;
  let userWastedBytes = 0;
  for (const l of layers) {
    for (const h of l.hidden) {
      wastedBytes += h.size;
      if (!(l.base && layers[h.byLayer].base)) userWastedBytes += h.size;
    }
  }
  return {
    ...(img.id ? { imageId: img.id } : {}),
    totalSize: layers.reduce((n, l) => n + l.size, 0),
    layers,
    wastedBytes,
    userWastedBytes,
    baseLayers,
    dive: diveFigures(entries),
    findings: findAll({ layers, changes, view }),
  };
}

/** Layer i was made by the i-th history entry that is not an empty layer; -1 when history runs out. */
export function historyOfLayers(history: HistoryEntry[], layerCount: number): number[] {
  const out: number[] = [];
  history.forEach((h, i) => {
    if (!h.empty_layer) out.push(i);
  });
  return Array.from({ length: layerCount }, (_, i) => out[i] ?? -1);
}

/**
 * The base image's layers are those below the first layer a build record names; with no records
 * at all, dive's rule: the first layer is the base.
 */
function countBaseLayers(layerRecords: Array<BuildRecord | undefined>, layerCount: number): number {
  const first = layerRecords.findIndex((r) => r !== undefined);
  return first === -1 ? Math.min(1, layerCount) : first;
}
