import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { emptyContainerConfig, imageFrom, layerFrom, parseNamed, serializeConfig, type Image, type ImageConfigFile } from "@tsbuild/image";
import { loadSpec, specEntries, specNames, type ImageSpec } from "./spec.js";
import { writeTar } from "@tsbuild/archive";

export interface BuiltinImage {
  /** The canonical reference, e.g. "alpine:3.19". */
  ref: string;
  /** The single layer, uncompressed; the same bytes on every machine. */
  layerTar(): Buffer;
  /** The image config, with rootfs.diff_ids = [sha256 of layerTar()]. */
  config(): ImageConfigFile;
  /** sha256 of layerTar(), computed once. */
  diffID(): string;
  /** Docker's layer size: regular file bytes + symlink target lengths, hard links once. */
  size(): number;
  /** The pkgsim catalog name for this image's package manager, when it has one. */
  distro?: string;
  /** Where the tree and the figures come from. */
  source: string;
  /** The same image as @tsbuild/image's Image (what ImageStore.writeImage takes), made once per object. */
  image(): Image;
  /**
   * The tags a store gives it when FROM `asked` brings it in: its canonical name and the name as
   * asked ("busybox" → busybox:1.36 and busybox:latest), so the next build finds it by either.
   */
  tags(asked: string): string[];
}

/** Data file per canonical reference; each file lists its own aliases. */
const DATA_FILES = [
  "busybox-1.36.json",
  "alpine-3.19.json",
  "alpine-3.20.json",
  "debian-bookworm-slim.json",
  "debian-bookworm.json",
  "ubuntu-22.04.json",
  "ubuntu-24.04.json",
];

interface Loaded {
  spec: ImageSpec;
  diffID?: string;
}

/** Every name a built-in answers → its data file; only the asked image's file is parsed and expanded. */
let aliasIndex: Map<string, string> | undefined;
const loaded = new Map<string, Loaded>();

function index(): Map<string, string> {
  if (aliasIndex) return aliasIndex;
  aliasIndex = new Map();
  for (const file of DATA_FILES) {
    const { ref, aliases } = specNames(file);
    for (const alias of [ref, ...aliases]) aliasIndex.set(alias, file);
  }
  return aliasIndex;
}

function load(file: string): Loaded {
  let entry = loaded.get(file);
  if (!entry) {
    entry = { spec: loadSpec(file) };
    loaded.set(file, entry);
  }
  return entry;
}

/** "alpine" → "alpine:latest", "docker.io/library/alpine:3.19" → "alpine:3.19". */
export function normalizeRef(ref: string): string {
  let r: { name: string; tag?: string };
  try {
    r = parseNamed(ref.trim());
  } catch {
    return ref.trim();
  }
  const name = r.name.replace(/^registry-1\.docker\.io\//, "").replace(/^library\//, "");
  return `${name}:${r.tag ?? "latest"}`;
}

function createdOf(spec: ImageSpec): string {
  return new Date(spec.mtime * 1000).toISOString().replace(".000Z", "Z");
}

function makeImage(entry: Loaded): BuiltinImage {
  const spec = entry.spec;
  const layerTar = () => writeTar(specEntries(spec));
  const diffID = () => (entry.diffID ??= "sha256:" + createHash("sha256").update(layerTar()).digest("hex"));
  let image: Image | undefined;
  const builtin: BuiltinImage = {
    ref: spec.ref,
    distro: spec.distro,
    source: spec.source,
    layerTar,
    diffID,
    size: () => spec.size,
    image: () =>
      (image ??= imageFrom({
        rawConfig: () => serializeConfig(builtin.config()),
        layers: () => [layerFrom({ open: () => Readable.from([layerTar()]), diffID, size: () => spec.size })],
      })),
    tags: (asked) => [spec.ref, asked],
    config(): ImageConfigFile {
      const created = createdOf(spec);
      const cfg = emptyContainerConfig();
      cfg.Env = spec.config.Env ?? null;
      cfg.Cmd = spec.config.Cmd ?? null;
      cfg.Entrypoint = spec.config.Entrypoint ?? null;
      cfg.Labels = spec.config.Labels ?? null;
      return {
        architecture: "amd64",
        os: "linux",
        config: cfg,
        created,
        history: [{ created, created_by: spec.history.created_by, comment: spec.history.comment }],
        rootfs: { type: "layers", diff_ids: [diffID()] },
      };
    },
  };
  return builtin;
}

/** The built-in image for a reference, or undefined when tsbuild has none by that name. */
export function builtinImage(ref: string): BuiltinImage | undefined {
  let file: string | undefined;
  try {
    file = index().get(normalizeRef(ref));
  } catch {
    return undefined;
  }
  return file ? makeImage(load(file)) : undefined;
}

/** Every reference (canonical names and aliases) that resolves to a built-in image, sorted. */
export function builtinRefs(): string[] {
  return [...index().keys()].sort();
}
