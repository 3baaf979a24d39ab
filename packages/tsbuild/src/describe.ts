import type { StepRecord } from "@tsbuild/builder";
import { analyzeListed, historyOfLayers, type Analysis, type FileChange } from "@tsbuild/explain";
import type { BuildRecord, Digest, LayerEntry } from "@tsbuild/image";
import { historyRecords, type ImageStore } from "@tsbuild/store";
import { entriesFromChunks, knownEntries, layerChunks } from "./layer-entries.js";
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
  const [sizes, diffIDs] = await Promise.all([
    Promise.all(storedLayers.map((l) => l.size())),
    Promise.all(storedLayers.map((l) => l.diffID())),
  ]);
  // Entries and the analysis are worked out when first read (issue 16: they were most of an
  // in-process build); the bytes they need are taken now, while the store surely has them.
  // A memory store hands over its own buffers, so this holds no copy.
  const known = diffIDs.map(knownEntries);
  const chunks = await Promise.all(storedLayers.map((l, i) => (known[i] ? undefined : layerChunks(l))));
  const history = config.history ?? [];
  const records = facts
    ? builtHistoryRecords(store, id, history.length, facts.records)
    : historyRecords(store, id, history.length);
  const layerHistory = historyOfLayers(history, storedLayers.length);

  const entriesAt = (i: number): LayerEntry[] => {
    const entries = known[i] ?? entriesFromChunks(diffIDs[i], chunks[i]!);
    chunks[i] = undefined;
    return entries;
  };
  let analysis: Analysis | undefined;
  const explain = (): Analysis =>
    (analysis ??= analyzeListed(
      { id, config, layers: diffIDs.map((diffID, i) => ({ diffID, size: sizes[i] })), ...(records.some(Boolean) ? { records } : {}) },
      diffIDs.map((_, i) => layers[i].entries),
    ));
  let fs: MergedFilesystem | undefined;
  const merged = (): MergedFilesystem => {
    if (!fs) {
      fs = new MergedFilesystem();
      for (let i = 0; i < layers.length; i++) fs.apply(i, layers[i].entries);
    }
    return fs;
  };

  const layers: BuiltLayer[] = [];
  const image = {
    id,
    tags: facts?.tags ?? store.tagsOf(id),
    config,
    history,
    steps: facts?.steps ?? [],
    output: facts?.output ?? "",
    warnings: facts?.warnings ?? [],
    layers,
    size: sizes.reduce((a, b) => a + b, 0),
    store,
    layer: (i: number) => layerAt(layers, i),
    file: (path: string) => merged().lookup(path),
  } as Omit<BuiltImage, "explain"> as BuiltImage;
  lazy(image, "explain", explain, "store");
  for (let i = 0; i < storedLayers.length; i++) {
    // The layers pair with history entries as explain pairs them (the i-th non-empty entry).
    const h = layerHistory[i];
    const record = h >= 0 ? records[h] : undefined;
    const layer = {
      index: i,
      diffID: diffIDs[i],
      size: sizes[i],
      instruction: record && instructionOf(record),
      createdBy: (h >= 0 ? history[h].created_by : undefined) ?? "",
    } as BuiltLayer;
    lazy(layer, "entries", () => entriesAt(i));
    lazy(layer, "added", () => paths(explain().layers[i].added));
    lazy(layer, "modified", () => paths(explain().layers[i].modified));
    lazy(layer, "deleted", () => paths(explain().layers[i].deleted));
    Object.defineProperty(layer, "image", { value: image, enumerable: false });
    layers.push(layer);
  }
  return image;
}

/**
 * An enumerable property worked out on first read and then kept as a plain value (printing,
 * toEqual and spreading still see it); assigning it replaces it. `before`: the key it is listed
 * ahead of, so the object's keys keep their documented order.
 */
function lazy<T extends object, K extends keyof T>(obj: T, key: K, compute: () => T[K], before?: keyof T): void {
  const settle = (value: T[K]) => {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  let after: Array<[PropertyKey, PropertyDescriptor]> = [];
  if (before !== undefined) {
    const keys = Reflect.ownKeys(obj);
    after = keys.slice(keys.indexOf(before as string | symbol)).map((k): [PropertyKey, PropertyDescriptor] => [k, Object.getOwnPropertyDescriptor(obj, k)!]);
    for (const [k] of after) delete (obj as Record<string | symbol, unknown>)[k as string | symbol];
  }
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get: () => settle(compute()),
    set: (value: T[K]) => void settle(value),
  });
  for (const [k, d] of after) Object.defineProperty(obj, k, d);
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
