import type { StepRecord } from "@tsbuild/builder";
import { explainImage, type FileChange } from "@tsbuild/explain";
import type { BuildRecord, Digest } from "@tsbuild/image";
import { historyRecords, type ImageStore } from "@tsbuild/store";
import { entriesOf } from "./layer-entries.js";
import { MergedFilesystem } from "./merged-fs.js";
import { builtHistoryRecords } from "./records.js";
import type { BuiltImage, BuiltLayer, LayerInstruction } from "./types.js";

export interface BuildFacts {
  steps: StepRecord[];
  /** The build's record of each image it made or reused (BuildResult.records). */
  records: ReadonlyMap<Digest, BuildRecord>;
  output: string;
  warnings: string[];
  tags: string[];
}

/**
 * Everything about an image of the store: layers with their entries and instructions, and the
 * analysis. `facts` are those of the build that just made it; without them, the instructions
 * are those recorded by builds made with this store.
 */
export async function describeImage(store: ImageStore, id: Digest, facts?: BuildFacts): Promise<BuiltImage> {
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
  const records = facts
    ? builtHistoryRecords(store, id, history.length, facts.records)
    : historyRecords(store, id, history.length);

  const explain = await explainImage(stored, records, { entries: entriesOf });

  const fs = new MergedFilesystem();
  const layers: BuiltLayer[] = [];
  const image: BuiltImage = {
    id,
    tags: facts?.tags ?? store.tagsOf(id),
    config,
    history,
    steps: facts?.steps ?? [],
    output: facts?.output ?? "",
    warnings: facts?.warnings ?? [],
    layers,
    size: sizes.reduce((a, b) => a + b, 0),
    explain,
    store,
    layer: (i) => layerAt(layers, i),
    file: (path) => fs.lookup(path),
  };
  for (let i = 0; i < storedLayers.length; i++) {
    // The analysis pairs layers with history entries; the layers here follow it.
    const h = explain.layers[i].historyIndex;
    const record = h >= 0 ? records[h] : undefined;
    const layer = {
      index: i,
      diffID: diffIDs[i],
      size: sizes[i],
      instruction: record && instructionOf(record),
      createdBy: (h >= 0 ? history[h].created_by : undefined) ?? "",
      entries: entries[i],
      added: paths(explain.layers[i].added),
      modified: paths(explain.layers[i].modified),
      deleted: paths(explain.layers[i].deleted),
    } as BuiltLayer;
    fs.apply(i, entries[i]);
    Object.defineProperty(layer, "image", { value: image, enumerable: false });
    layers.push(layer);
  }
  return image;
}

function paths(changes: FileChange[]): string[] {
  return changes.map((c) => c.path);
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
