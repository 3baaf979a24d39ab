import type { StepRecord } from "@tsbuild/builder";
import { analyzeImage } from "@tsbuild/explain";
import type { BuildRecord, Digest, HistoryEntry } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";
import { entriesOf } from "./layer-entries.js";
import { MergedFilesystem } from "./merged-fs.js";
import { historyRecords } from "./records.js";
import type { BuiltImage, BuiltLayer, LayerInstruction } from "./types.js";

export interface BuildFacts {
  steps: StepRecord[];
  output: string;
  warnings: string[];
  tags: string[];
  /** How the Dockerfile is named in records ("Dockerfile", "ci/Dockerfile.prod"). */
  dockerfile: string;
}

const NO_BUILD: BuildFacts = { steps: [], output: "", warnings: [], tags: [], dockerfile: "Dockerfile" };

/** Everything about an image of the store: layers with their entries and instructions, and the analysis. */
export async function describeImage(store: ImageStore, id: Digest, facts: BuildFacts = NO_BUILD): Promise<BuiltImage> {
  const stored = store.getImage(id);
  if (!stored) throw new Error(`image ${id} is not in the store`);
  const config = await stored.config();
  const storedLayers = await stored.layers();
  const [entries, sizes, diffIDs] = await Promise.all([
    Promise.all(storedLayers.map(entriesOf)),
    Promise.all(storedLayers.map((l) => l.size())),
    Promise.all(storedLayers.map((l) => l.diffID())),
  ]);
  const history = config.history ?? [];
  const records = await historyRecords(store, facts.steps, facts.output, facts.dockerfile);
  const historyIndex = layerHistory(history, storedLayers.length);

  const explain = await analyzeImage({
    id,
    config,
    layers: storedLayers.map((_, i) => ({ diffID: diffIDs[i], size: sizes[i], entries: async () => entries[i] })),
    records: history.map((_, h) => records.get(h)),
  });

  const fs = new MergedFilesystem();
  const layers: BuiltLayer[] = [];
  const image: BuiltImage = {
    id,
    tags: facts.tags,
    config,
    history,
    steps: facts.steps,
    output: facts.output,
    warnings: facts.warnings,
    layers,
    size: sizes.reduce((a, b) => a + b, 0),
    explain,
    store,
    layer: (i) => layerAt(layers, i),
    file: (path) => fs.lookup(path),
  };
  for (let i = 0; i < storedLayers.length; i++) {
    const h = historyIndex[i];
    const record = h === undefined ? undefined : records.get(h);
    const layer = {
      index: i,
      diffID: diffIDs[i],
      size: sizes[i],
      instruction: record && instructionOf(record),
      createdBy: (h === undefined ? undefined : history[h].created_by) ?? "",
      entries: entries[i],
      ...fs.apply(i, entries[i]),
    } as BuiltLayer;
    Object.defineProperty(layer, "image", { value: image, enumerable: false });
    layers.push(layer);
  }
  return image;
}

/**
 * The history entry behind each layer. Entries without empty_layer pair with the layers in
 * order; they are paired from the top, so an imported base whose history is short or missing
 * only loses the pairing of its own layers.
 */
function layerHistory(history: HistoryEntry[], layerCount: number): Array<number | undefined> {
  const out: Array<number | undefined> = new Array(layerCount).fill(undefined);
  let layer = layerCount - 1;
  for (let h = history.length - 1; h >= 0 && layer >= 0; h--) {
    if (!history[h].empty_layer) out[layer--] = h;
  }
  return out;
}

function instructionOf(r: BuildRecord): LayerInstruction {
  const out: LayerInstruction = { dockerfile: r.dockerfile, line: r.line, endLine: r.endLine, text: r.text, stage: r.stage };
  if (r.trigger) out.trigger = true;
  return out;
}

function layerAt(layers: BuiltLayer[], i: number): BuiltLayer {
  const layer = Number.isInteger(i) ? layers.at(i) : undefined;
  if (!layer) {
    const n = layers.length;
    const has = n === 0 ? "no layers" : `${n} layer${n === 1 ? "" : "s"} (0..${n - 1}, or -1..-${n} from the top)`;
    throw new RangeError(`layer(${i}): the image has ${has}`);
  }
  return layer;
}
