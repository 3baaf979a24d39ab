import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { END_OF_ARCHIVE, encodeHeader, padding, zeroPadding } from "@tsbuild/archive";
import { chainIDs, hexOf, type Digest } from "@tsbuild/image";
import { NoSuchImageError } from "../errors.js";
import { familiarString, parseNamed, splitStored } from "../reference.js";
import type { ImageStore } from "../types.js";
import { v1FromConfig, v1ID, v1JSON, type V1Image } from "./v1.js";

interface Selected {
  id: Digest;
  /** Familiar name:tag references, in the order they were asked for. */
  tags: string[];
}

/**
 * Which images and tags `docker save NAMES…` writes (moby tarexport parseNames): a bare
 * repository name takes all its tags, `name:tag` that tag, an ID the image untagged.
 */
export function selectImages(store: ImageStore, names: string[]): Selected[] {
  const selected = new Map<Digest, Selected>();
  const add = (id: Digest, tag?: string) => {
    let s = selected.get(id);
    if (!s) selected.set(id, (s = { id, tags: [] }));
    if (tag && !s.tags.includes(tag)) s.tags.push(tag);
  };
  for (const name of names) {
    const named = /^(sha256:)?[a-f0-9]{64}$/.test(name) ? undefined : parseNamed(name);
    if (!named || named.name === "sha256") {
      const id = store.resolve(name);
      if (!id) throw new NoSuchImageError(name);
      add(id);
    } else if (named.tag === undefined && named.digest === undefined) {
      const assocs = tagsByRepository(store, named.name);
      for (const a of assocs) add(a.id, a.ref);
      if (assocs.length === 0) {
        const id = store.resolve(name);
        if (!id) throw new NoSuchImageError(name);
        add(id);
      }
    } else {
      // A tag or digest must name an image (no ID-prefix fallback, as Docker's reference store).
      const id = named.digest === undefined ? tagTarget(store, familiarString(named)) : store.resolve(name);
      if (!id) throw new NoSuchImageError(familiarString(named));
      add(id, named.digest === undefined ? familiarString(named) : undefined);
    }
  }
  return [...selected.values()];
}

/** (tag, image) pairs of one repository, sorted by tag as the reference store returns them. */
function tagsByRepository(store: ImageStore, name: string): Array<{ ref: string; id: Digest }> {
  const out: Array<{ ref: string; id: Digest }> = [];
  for (const id of store.listImages()) {
    for (const ref of store.tagsOf(id)) if (splitStored(ref).name === name) out.push({ ref, id });
  }
  return out.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

function tagTarget(store: ImageStore, ref: string): Digest | undefined {
  return store.listImages().find((id) => store.tagsOf(id).includes(ref));
}

interface Planned {
  sel: Selected;
  configHex: string;
  raw: Buffer;
  created: Date;
  /** v1 layer directory names, bottom first. */
  layerDirs: string[];
  parent?: Digest;
}

type Entry =
  | { name: string; kind: "dir"; mtime: Date }
  | { name: string; kind: "file"; mtime: Date; data: Buffer }
  | { name: string; kind: "layer"; mtime: Date; chainID: Digest }
  | { name: string; kind: "symlink"; mtime: Date; target: string };

/**
 * `docker save`: the 20.10 archive (manifest.json, repositories, <config>.json and a v1
 * directory per layer with VERSION, json and layer.tar), entries in the order Docker's
 * directory walk writes them. Layer tars are rebuilt from the store and verified.
 */
export async function saveImages(store: ImageStore, names: string[], out: NodeJS.WritableStream): Promise<void> {
  const selected = selectImages(store, names);
  const entries: Entry[] = [];
  const savedDirs = new Set<string>();
  const pathOfDiffID = new Map<Digest, string>();
  const planned: Planned[] = [];

  for (const sel of selected) {
    const image = store.getImage(sel.id);
    if (!image) throw new NoSuchImageError(sel.id);
    const raw = await image.rawConfig();
    // Every layer looked up (and its store links checked) before a byte is written.
    await image.layers();
    const config = JSON.parse(raw.toString("utf8")) as Record<string, unknown> & { rootfs?: { diff_ids?: Digest[] } };
    const diffIDs = config.rootfs?.diff_ids ?? [];
    if (diffIDs.length === 0) throw new Error("empty export - not implemented");
    const created = parseCreated(config.created);
    const chain = chainIDs(diffIDs);
    const layerDirs: string[] = [];
    let parent: Digest | undefined;
    for (let i = 0; i < diffIDs.length; i++) {
      const top = i === diffIDs.length - 1;
      const v1: V1Image = top ? v1FromConfig(config) : { created: "1970-01-01T00:00:00Z" };
      const id = v1ID(v1, chain[i], parent);
      const dir = hexOf(id);
      const legacy: V1Image = { ...v1, id: dir, ...(parent ? { parent: hexOf(parent) } : {}), os: typeof config.os === "string" ? config.os : undefined };
      if (!savedDirs.has(dir)) {
        savedDirs.add(dir);
        entries.push({ name: dir + "/", kind: "dir", mtime: created });
        entries.push({ name: dir + "/VERSION", kind: "file", mtime: created, data: Buffer.from("1.0") });
        entries.push({ name: dir + "/json", kind: "file", mtime: created, data: Buffer.from(v1JSON(legacy)) });
        const earlier = pathOfDiffID.get(diffIDs[i]);
        if (earlier) {
          entries.push({ name: dir + "/layer.tar", kind: "symlink", mtime: created, target: `../${earlier}` });
        } else {
          pathOfDiffID.set(diffIDs[i], dir + "/layer.tar");
          entries.push({ name: dir + "/layer.tar", kind: "layer", mtime: created, chainID: chain[i] });
        }
      }
      layerDirs.push(dir);
      parent = id;
    }
    const configHex = hexOf(sel.id);
    entries.push({ name: configHex + ".json", kind: "file", mtime: created, data: raw });
    planned.push({ sel, configHex, raw, created, layerDirs, parent: store.parentOf(sel.id) });
  }

  const ids = new Set(selected.map((s) => s.id));
  const manifest = planned.map((p) => ({
    Config: p.configHex + ".json",
    RepoTags: p.sel.tags.length ? p.sel.tags : null,
    Layers: p.layerDirs.map((d) => d + "/layer.tar"),
    ...(p.parent && ids.has(p.parent) && p.parent !== p.sel.id ? { Parent: p.parent } : {}),
  }));
  const epoch = new Date(0);
  entries.push({ name: "manifest.json", kind: "file", mtime: epoch, data: Buffer.from(JSON.stringify(manifest) + "\n") });

  const legacyRepos: Record<string, Record<string, string>> = {};
  for (const p of planned) {
    for (const t of p.sel.tags) {
      const s = splitStored(t);
      (legacyRepos[s.name] ??= {})[s.tag ?? "latest"] = p.layerDirs[p.layerDirs.length - 1];
    }
  }
  if (Object.keys(legacyRepos).length) {
    const sorted: Record<string, Record<string, string>> = {};
    for (const name of Object.keys(legacyRepos).sort()) {
      sorted[name] = Object.fromEntries(Object.entries(legacyRepos[name]).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    entries.push({ name: "repositories", kind: "file", mtime: epoch, data: Buffer.from(JSON.stringify(sorted) + "\n") });
  }

  entries.sort((a, b) => compareWalk(a.name, b.name));
  await writeArchive(store, entries, out);
}

/** filepath.Walk order: names sorted within each directory, a directory before its contents. */
function compareWalk(a: string, b: string): number {
  const pa = a.replace(/\/$/, "").split("/");
  const pb = b.replace(/\/$/, "").split("/");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

function parseCreated(v: unknown): Date {
  const d = typeof v === "string" ? new Date(v) : new Date(0);
  return Number.isNaN(d.getTime()) ? new Date(0) : d;
}

/**
 * The archive through the one Go-exact tar writer (@tsbuild/archive), as Docker's tarexport
 * writes it with Go's archive/tar; layer tars are streamed from the store, never held whole.
 */
async function writeArchive(store: ImageStore, entries: Entry[], out: NodeJS.WritableStream): Promise<void> {
  await pipeline(Readable.from(archiveBytes(store, entries)), out as NodeJS.WritableStream);
}

async function* archiveBytes(store: ImageStore, entries: Entry[]): AsyncGenerator<Buffer> {
  for (const e of entries) {
    const base = { name: e.name, mtime: Math.floor(e.mtime.getTime() / 1000), uid: 0, gid: 0, uname: "root", gname: "root" };
    if (e.kind === "dir") {
      yield encodeHeader({ ...base, typeflag: "5", mode: 0o755, size: 0 });
    } else if (e.kind === "file") {
      yield encodeHeader({ ...base, typeflag: "0", mode: 0o644, size: e.data.length });
      yield* body([e.data], e.data.length, e.name);
    } else if (e.kind === "symlink") {
      yield encodeHeader({ ...base, typeflag: "2", mode: 0o777, size: 0, linkname: e.target });
    } else {
      const layer = store.getLayer(e.chainID);
      if (!layer) throw new Error(`layer ${e.chainID} is not in the store`);
      const size = await layer.tarSize();
      yield encodeHeader({ ...base, typeflag: "0", mode: 0o644, size });
      yield* body(await layer.open(), size, e.name);
    }
  }
  yield END_OF_ARCHIVE;
}

/** A member's data and its padding; a source that disagrees with the header's size is an error, not a broken archive. */
async function* body(source: AsyncIterable<unknown> | Iterable<Buffer>, size: number, name: string): AsyncGenerator<Buffer> {
  let written = 0;
  for await (const chunk of source) {
    const b = chunk as Buffer;
    written += b.length;
    if (written > size) break;
    yield b;
  }
  if (written !== size) throw new Error(`${name}: ${written} bytes where ${size} were expected`);
  const pad = padding(size);
  if (pad > 0) yield zeroPadding(pad);
}
