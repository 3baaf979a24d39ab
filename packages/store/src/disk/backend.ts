import type { LayerRules } from "../layer/policy.js";
import {
  closeSync, constants, fstatSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readlinkSync, readSync, renameSync, rmSync,
  statSync, writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { hexOf, sha256Digest, type Digest } from "@tsbuild/image";
import type { Backend, LayerRecord, MetadataKey } from "../backend.js";
import { chunksOf, ingestTar } from "../layer/ingest.js";
import { DiffIDMismatchError, verifiedReadable } from "../layer/verify.js";
import { CorruptStoreError, parseRepositories, serializeRepositories, type RepositoriesFile } from "../reference.js";
import { assemble, assembleSync, IntegrityError } from "../tarsplit/assemble.js";
import { cleanName } from "../tarsplit/entry.js";
import type { GraphDriverData, HollowLayer, LockOptions } from "../types.js";
import { DiffBody } from "./diff-body.js";
import { encodeMembers, MEMBERS_FILE, MembersCollector, membersFromTarSplit, readMembersFile, stampOf, visitMembers, wellFormed, writeMembersFile, type Stamp } from "./hollow-index.js";
import { DiffWriter } from "./extract.js";
import { atomicWrite, readBytesIfExists, readTextIfExists } from "./fsutil.js";
import { listHexDir, listLayerIDs, readLayerRecord } from "./layerdb.js";
import { Layout } from "./layout.js";
import { checkDistribution } from "./check-distribution.js";
import { sweepLeftovers, setAsideRepositories } from "./cleanup.js";
import { withRootLock } from "./lock.js";
import { keepLocksFresh } from "./lock-refresh.js";
import {
  childLower, linkDriverDir, lowerDirs, lowerFor, newCacheID, newLinkID, prepareDriverDir, removeDriverDir,
} from "./overlay.js";
import { LockSession } from "./session.js";
import { readTarSplitBatches, readTarSplitFile } from "./tarsplit-file.js";
import { TarSplitFileWriter } from "./tarsplit-file.js";

const ID_RE = /^sha256:[a-f0-9]{64}$/;

/** Layers with at least this many files get their members index when committed; smaller ones on first use. */
const INDEX_AT_COMMIT = 1000;
/** The header bytes a commit holds for it at most (~1 KB a member); past them the index waits for first use. */
const INDEX_AT_COMMIT_MAX_BYTES = 128 << 20;

/** A Docker-compatible overlay2 store under a root directory. */
export class DiskBackend implements Backend {
  readonly layout: Layout;

  constructor(readonly root: string) {
    this.layout = new Layout(root);
  }

  keepLockFresh(): void {
    keepLocksFresh();
  }

  exclusive<T>(fn: () => Promise<T>, opts?: LockOptions): Promise<T> {
    return withRootLock(this.root, this.layout.lock, async () => {
      // Once per process, with the lock held: what a killed write left is removed before anything else.
      if (!this.swept) {
        this.swept = true;
        sweepLeftovers(this.layout);
      }
      this.session = new LockSession();
      try {
        return await fn();
      } finally {
        this.session = undefined;
      }
    }, opts);
  }

  private swept = false;
  /** While this process holds the lock: what it knows of the store (see session.ts). */
  private session: LockSession | undefined;

  /** mkdir -p (made once per lock session). */
  private ensureDir(path: string, mode?: number): void {
    if (this.session) this.session.ensureDir(path, mode);
    else mkdirSync(path, { recursive: true, mode });
  }

  /** fsck --repair: every leftover removed (overlay2 directories no layer uses included). */
  async repair(): Promise<string[]> {
    if (this.session) this.session = new LockSession();
    const removed = sweepLeftovers(this.layout, { always: true });
    try {
      this.repositories();
    } catch (e) {
      if (!(e instanceof CorruptStoreError)) throw e;
      const aside = setAsideRepositories(this.layout);
      if (aside) removed.push(`image/overlay2/repositories.json (unreadable; moved to ${aside}, tags start empty)`);
    }
    return removed;
  }

  configLocation(id: Digest): string {
    return this.layout.contentFile(id);
  }

  // ---- layers ----

  layer(chainID: Digest): LayerRecord | undefined {
    const known = this.session?.layers.get(chainID);
    if (known !== undefined) return known ?? undefined;
    const rec = readLayerRecord(this.layout, chainID);
    this.session?.layers.set(chainID, rec ?? null);
    return rec;
  }

  layerIDs(): Digest[] {
    return listLayerIDs(this.layout);
  }

  async ingestLayer(tar: AsyncIterable<unknown>, parent: LayerRecord | null, expectDiffID?: Digest, rules: LayerRules = {}): Promise<LayerRecord> {
    const { layout } = this;
    // Small metadata files are written with synchronous calls throughout: each asynchronous one
    // is a trip through libuv's thread pool, and a build step commits while nothing else runs.
    this.ensureDir(layout.layerdbTmp, 0o700);
    // Everything is staged in Docker's layerdb/tmp and renamed into place last: the layer's
    // layerdb directory (made 0700 by mkdtemp) and its overlay2 directory (0755).
    const meta = mkdtempSync(join(layout.layerdbTmp, "write-set-"));
    let staged = "";
    const cacheID = newCacheID();
    let driverPlaced = false;
    let committed = false;
    try {
      staged = stagedDir(layout.layerdbTmp);
      mkdirSync(join(staged, "diff"), { mode: 0o755 });
      const tarSplit = new TarSplitFileWriter(join(meta, "tar-split.json.gz"));
      const files = new DiffWriter(join(staged, "diff"));
      // A big layer taken in as a base (an import, a pull, a load) gets its members index now,
      // while its tar-split goes by: the first build on it would otherwise make it from the gzip'd
      // JSON. A layer a build step made (the builtHere rules: climbing symlinks allowed) waits
      // for first use: a 20,000-file COPY's commit would pay ~0.25 s and ~45 MB for an index
      // that only a later build on that image reads.
      const members = rules.climbingSymlinks === true ? undefined : new MembersCollector(INDEX_AT_COMMIT_MAX_BYTES);
      let result;
      try {
        result = await ingestTar(tar, { tarSplit: members ? (l) => (members.line(l), tarSplit.write(l)) : (l) => tarSplit.write(l), files, rules });
        await files.finish();
        await tarSplit.close();
      } catch (e) {
        tarSplit.destroy();
        // A worker still writing files must be gone before the write-set is removed.
        await files.abort();
        throw e;
      }
      if (expectDiffID && result.diffID !== expectDiffID) {
        throw new DiffIDMismatchError(`layer tar hashes to ${result.diffID}, expected ${expectDiffID}`);
      }
      const chainID = parent ? sha256Digest(parent.chainID + " " + result.diffID) : result.diffID;
      const existing = this.layer(chainID);
      if (existing) return existing;

      if (members && !members.gaveUp && members.withData >= INDEX_AT_COMMIT) {
        const tarSplitPath = join(meta, "tar-split.json.gz");
        writeMembersFile(join(meta, MEMBERS_FILE), encodeMembers(members.members(`layer ${chainID}`, true), stampOf(tarSplitPath)));
      }
      writeFileSync(join(meta, "diff"), result.diffID, { mode: 0o644 });
      writeFileSync(join(meta, "size"), String(result.size), { mode: 0o644 });
      writeFileSync(join(meta, "cache-id"), cacheID, { mode: 0o644 });
      if (parent) writeFileSync(join(meta, "parent"), parent.chainID, { mode: 0o644 });

      let linkID = newLinkID();
      while (lstatSync(join(layout.links, linkID), { throwIfNoEntry: false })) linkID = newLinkID();
      const lower = parent ? this.lowerOfChild(parent.cacheID) : undefined;
      prepareDriverDir(layout, staged, linkID, parent?.cacheID, lower);
      this.ensureDir(layout.overlay, 0o710);
      renameSync(staged, layout.driverDir(cacheID));
      driverPlaced = true;
      this.ensureDir(layout.links, 0o700);
      linkDriverDir(layout, cacheID, linkID, parent?.cacheID, true);
      this.ensureDir(layout.layerdb, 0o700);
      // The commit point: the layer exists once its layerdb directory does.
      renameSync(meta, layout.layerDir(chainID));
      committed = true;
      const rec: LayerRecord = { chainID, diffID: result.diffID, size: result.size, cacheID, ...(parent ? { parent: parent.chainID } : {}) };
      this.session?.layers.set(chainID, rec);
      this.session?.drivers.set(cacheID, { link: linkID, lower });
      return rec;
    } catch (e) {
      if (driverPlaced) {
        try {
          removeDriverDir(layout, cacheID);
        } catch {
          // The layer was never committed; a leftover directory is what fsck reports.
        }
      }
      throw e;
    } finally {
      if (!committed) {
        rmSync(meta, { recursive: true, force: true });
        if (!driverPlaced && staged) rmSync(staged, { recursive: true, force: true });
      }
    }
  }

  /** The `lower` file of a new child of the layer whose overlay2 directory is `parentCacheID`. */
  private lowerOfChild(parentCacheID: string): string {
    const known = this.session?.drivers.get(parentCacheID);
    if (known) return childLower(known.link, known.lower);
    return lowerFor(this.layout, parentCacheID);
  }

  openLayer(rec: LayerRecord) {
    const diff = this.layout.diffDir(rec.cacheID);
    const tarSplit = join(this.layout.layerDir(rec.chainID), "tar-split.json.gz");
    const getFile = (name: string) => readNoFollow(join(diff, this.diffRelative(rec, name)));
    // The sha256 of the whole rebuilt tar is checked in any case, so the per-file crc64s are only
    // computed to name the damaged file once that check has failed.
    const rebuild = (checkFiles: boolean) => assemble(readTarSplitFile(tarSplit), getFile, { checkFiles });
    const diagnose = async () => {
      for await (const chunk of rebuild(true)) void chunk;
    };
    return verifiedReadable(rebuild(false), rec.diffID, `layer ${rec.chainID}`, diagnose);
  }

  /**
   * openLayer's tar rebuilt synchronously into buffers and checked against the diffID the same
   * way (a mismatch names the damaged file, as the stream's does): materialising a 50,000-file
   * base spent more on the stream's promises (three async generators deep, per member) than on
   * reading the files.
   */
  async layerChunks(rec: LayerRecord, maxBytes: number): Promise<Buffer[] | undefined> {
    if (rec.size > maxBytes) return undefined;
    const diff = this.layout.diffDir(rec.cacheID);
    const tarSplit = join(this.layout.layerDir(rec.chainID), "tar-split.json.gz");
    const chunks: Buffer[] = [];
    const hash = createHash("sha256");
    const seen = new Set<string>();
    const getFile = (name: string) => readNoFollow(join(diff, this.diffRelative(rec, name)));
    for await (const batch of readTarSplitBatches(tarSplit)) {
      for (const c of assembleSync(batch, getFile, seen)) {
        hash.update(c);
        chunks.push(c);
      }
    }
    const got = "sha256:" + hash.digest("hex");
    if (got !== rec.diffID) {
      for await (const chunk of this.openLayer(rec)) void chunk; // names the damaged file, or fails as the stream does
      throw new DiffIDMismatchError(`layer ${rec.chainID} rebuilt to ${got}, not its diffID ${rec.diffID}`);
    }
    return chunks;
  }

  /**
   * The layer hollow: its members' decoded headers (from the members index beside tar-split,
   * made from tar-split when absent) and each member's data as its diff/ file, not read.
   * Overlay2 mounts diff/ without reading or hashing it; materialising a base did both (a
   * 50,000-file base: an open, fstat, read and close per file, ~0.6 s, a sha256 of the rebuilt
   * tar, and ~0.4 s inflating and parsing tar-split's JSON). Every tar the store hands out
   * (open, chunks, save, push, fsck) is still rebuilt and checked against its diffID.
   */
  async layerHollow(rec: LayerRecord): Promise<HollowLayer> {
    const what = `layer ${rec.chainID}`;
    const dir = { path: this.layout.diffDir(rec.cacheID), layer: rec.chainID };
    const layerDir = this.layout.layerDir(rec.chainID);
    const tarSplit = join(layerDir, "tar-split.json.gz");
    const indexPath = join(layerDir, MEMBERS_FILE);
    let stamp: Stamp | undefined;
    try {
      stamp = stampOf(tarSplit);
    } catch {
      // membersFromTarSplit names the missing or unreadable tar-split.
    }
    let index = stamp && readMembersFile(indexPath, stamp);
    if (index && !wellFormed(index)) index = undefined;
    if (!index) {
      const members = await membersFromTarSplit(tarSplit, what);
      index = encodeMembers(members, stamp ?? stampOf(tarSplit));
      writeMembersFile(indexPath, index);
    }
    const bytes = index;
    // A name with no ".." cannot leave diff/ ("./", "//" and a leading "/" open the same file).
    const body = (name: string, size: number) => new DiffBody(dir, name.includes("..") ? this.diffRelative(rec, name) : name, size);
    return { what, source: dir.path, members: (visit) => visitMembers(bytes, visit, body) };
  }

  /** As tar-split's PathFileGetter: the name joined under diff/ (a leading "/" stays inside). */
  private diffRelative(rec: LayerRecord, name: string): string {
    const rel = cleanName(name.replace(/^\/+/, ""));
    if (rel === ".." || rel.startsWith("../")) {
      throw new IntegrityError(`tar-split of layer ${rec.chainID} names ${JSON.stringify(name)} outside the layer`);
    }
    return rel;
  }

  async tarSize(rec: LayerRecord): Promise<number> {
    let n = 0;
    for await (const r of readTarSplitFile(join(this.layout.layerDir(rec.chainID), "tar-split.json.gz"))) {
      n += r.type === 1 ? r.size : r.payload.length;
    }
    return n;
  }

  async removeLayer(rec: LayerRecord): Promise<void> {
    mkdirSync(this.layout.layerdbTmp, { recursive: true, mode: 0o700 });
    const ws = mkdtempSync(join(this.layout.layerdbTmp, "remove-"));
    // The layer disappears atomically with its layerdb directory; the rest is cleanup.
    renameSync(this.layout.layerDir(rec.chainID), join(ws, "layer"));
    this.session?.layers.set(rec.chainID, null);
    this.session?.drivers.delete(rec.cacheID);
    removeDriverDir(this.layout, rec.cacheID);
    rmSync(ws, { recursive: true, force: true });
  }

  // ---- images ----

  imageConfig(id: Digest): Buffer | undefined {
    if (!ID_RE.test(id) || this.session?.images.get(id) === false) return undefined;
    const config = readBytesIfExists(this.layout.contentFile(id));
    this.session?.images.set(id, config !== undefined);
    return config;
  }

  hasImage(id: Digest): boolean {
    if (!ID_RE.test(id)) return false;
    const known = this.session?.images.get(id);
    if (known !== undefined) return known;
    const present = statSync(this.layout.contentFile(id), { throwIfNoEntry: false })?.isFile() === true;
    this.session?.images.set(id, present);
    return present;
  }

  imageIDs(): Digest[] {
    return listHexDir(this.layout.imageContent).map((h) => "sha256:" + h);
  }

  async writeImage(id: Digest, config: Buffer): Promise<void> {
    await this.atomicWrite(this.layout.contentFile(id), config);
    this.session?.images.set(id, true);
  }

  async removeImage(id: Digest): Promise<void> {
    const s = this.session;
    if (s) {
      s.images.set(id, false);
      for (const key of [...s.metadata.keys()]) if (key.startsWith(id + " ")) s.metadata.delete(key);
      s.forgetDir(this.layout.metadataDir(id));
    }
    rmSync(this.layout.metadataDir(id), { recursive: true, force: true });
    rmSync(this.layout.contentFile(id), { force: true });
  }

  metadata(id: Digest, key: MetadataKey): string | undefined {
    if (!ID_RE.test(id)) return undefined;
    const s = this.session;
    const at = `${id} ${key}`;
    if (s?.metadata.has(at)) return s.metadata.get(at);
    const value = readTextIfExists(join(this.layout.metadataDir(id), key));
    s?.metadata.set(at, value);
    return value;
  }

  async setMetadata(id: Digest, key: MetadataKey, value: string): Promise<void> {
    await this.atomicWrite(join(this.layout.metadataDir(id), key), value);
    this.session?.metadata.set(`${id} ${key}`, value);
  }

  async deleteMetadata(id: Digest, key: MetadataKey): Promise<void> {
    rmSync(join(this.layout.metadataDir(id), key), { force: true });
    this.session?.metadata.set(`${id} ${key}`, undefined);
  }

  /** An image's files (0600), their directory made once per lock session. */
  private async atomicWrite(path: string, data: string | Buffer): Promise<void> {
    if (!this.session) return atomicWrite(path, data, 0o600);
    this.session.ensureDir(dirname(path));
    await atomicWrite(path, data, 0o600, true);
  }

  // ---- references ----

  repositories(): RepositoriesFile {
    const text = readTextIfExists(this.layout.repositories);
    if (text === undefined) return { Repositories: {} };
    try {
      return parseRepositories(text, this.layout.repositories);
    } catch (e) {
      if (e instanceof CorruptStoreError) {
        throw new CorruptStoreError(`${e.message} (to repair: \`tsbuild fsck --repair\` moves it aside and starts with no tags; or restore it from a backup)`);
      }
      throw e;
    }
  }

  async saveRepositories(r: RepositoriesFile): Promise<void> {
    await atomicWrite(this.layout.repositories, serializeRepositories(r), 0o600);
  }

  // ---- distribution ----

  async recordDistribution(diffID: Digest, compressed: Digest, sourceRepository: string): Promise<void> {
    const dist = this.layout.distribution;
    await atomicWrite(join(dist, "diffid-by-digest", "sha256", hexOf(compressed)), diffID);
    const metaPath = join(dist, "v2metadata-by-diffid", "sha256", hexOf(diffID));
    let list: Array<{ Digest: string; SourceRepository: string; HMAC: string }> = [];
    try {
      const old = JSON.parse(readTextIfExists(metaPath) ?? "[]");
      if (Array.isArray(old)) list = old;
    } catch {
      list = [];
    }
    list = list.filter((m) => !(m.Digest === compressed && m.SourceRepository === sourceRepository));
    list.push({ Digest: compressed, SourceRepository: sourceRepository, HMAC: "" });
    await atomicWrite(metaPath, JSON.stringify(list));
  }

  graphDriver(rec: LayerRecord | undefined): GraphDriverData {
    if (!rec) return { Data: null, Name: "overlay2" };
    const dir = this.layout.driverDir(rec.cacheID);
    const data: Record<string, string> = {};
    const lowers = lowerDirs(this.layout, rec.cacheID);
    if (lowers.length) data.LowerDir = lowers.join(":");
    data.MergedDir = join(dir, "merged");
    data.UpperDir = join(dir, "diff");
    data.WorkDir = join(dir, "work");
    return { Data: data, Name: "overlay2" };
  }

  // ---- checks ----

  async checkLayer(rec: LayerRecord): Promise<string[]> {
    const problems: string[] = [];
    const what = `layer ${rec.chainID}`;
    const dir = this.layout.driverDir(rec.cacheID);
    if (!isDir(join(dir, "diff"))) return [`${what}: overlay2 directory ${dir}/diff is missing`];
    const link = readTextIfExists(join(dir, "link"));
    if (link === undefined || !/^[A-Z2-7]{26}$/.test(link)) {
      problems.push(`${what}: overlay2 link file is missing or malformed`);
    } else {
      let target: string | undefined;
      try {
        target = readlinkSync(join(this.layout.links, link));
      } catch {
        target = undefined;
      }
      if (target !== join("..", rec.cacheID, "diff")) problems.push(`${what}: overlay2/l/${link} does not point to ../${rec.cacheID}/diff`);
    }
    const lower = readTextIfExists(join(dir, "lower"));
    if (rec.parent) {
      const parent = this.layer(rec.parent);
      if (parent) {
        let want: string | undefined;
        try {
          want = lowerFor(this.layout, parent.cacheID);
        } catch {
          want = undefined;
        }
        if (want !== undefined && lower !== want) problems.push(`${what}: overlay2 lower file is ${JSON.stringify(lower)}, expected ${JSON.stringify(want)}`);
      }
    } else if (lower !== undefined) {
      problems.push(`${what}: a base layer has an overlay2 lower file`);
    }
    if (readBytesIfExists(join(this.layout.layerDir(rec.chainID), "tar-split.json.gz")) === undefined) {
      problems.push(`${what}: tar-split.json.gz is missing`);
      return problems;
    }
    try {
      const rebuilt = await ingestTar(chunksOf(this.openLayer(rec)), { trusted: true });
      if (rebuilt.size !== rec.size && rebuilt.payloadSize !== rec.size) problems.push(`${what}: size file says ${rec.size}, the layer's files add up to ${rebuilt.size}`);
    } catch (e) {
      problems.push(`${what}: cannot be rebuilt from diff/ and tar-split: ${(e as Error).message}`);
    }
    return problems;
  }

  async checkLayout(): Promise<string[]> {
    const problems: string[] = [];
    const used = new Set<string>();
    for (const id of this.layerIDs()) {
      const cache = readTextIfExists(join(this.layout.layerDir(id), "cache-id"));
      if (cache) used.add(cache);
    }
    // A Docker root also has containers' read-write layers (layerdb/mounts); they are not leftovers.
    const mounts = join(this.layout.image, "layerdb", "mounts");
    for (const m of safeReaddir(mounts)) {
      const mount = readTextIfExists(join(mounts, m, "mount-id"));
      if (mount) used.add(mount);
    }
    for (const name of listHexDir(this.layout.overlay)) {
      if (!used.has(name)) problems.push(`overlay2/${name}: not used by any layer`);
    }
    for (const name of safeReaddir(this.layout.links)) {
      const target = join(this.layout.links, name);
      if (!isDir(target)) problems.push(`overlay2/l/${name}: dangling link`);
    }
    for (const name of safeReaddir(this.layout.layerdbTmp)) {
      problems.push(`image/overlay2/layerdb/tmp/${name}: left behind by an interrupted write`);
    }
    const images = new Set(this.imageIDs());
    for (const hex of listHexDir(this.layout.imageMetadata)) {
      if (!images.has("sha256:" + hex)) problems.push(`image metadata sha256:${hex}: no such image`);
    }
    problems.push(...checkDistribution(this.layout));
    return problems;
  }
}

/**
 * A new directory in `parent` for staging a layer's overlay2 directory, mode 0755 as overlay2
 * makes it (mkdtemp's are 0700).
 */
function stagedDir(parent: string): string {
  for (;;) {
    const path = join(parent, `write-set-${randomBytes(6).toString("hex")}`);
    try {
      mkdirSync(path, { mode: 0o755 });
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}

/** Past this size a file is read in pieces, never held whole (files over 4 GiB fit no Buffer). */
const WHOLE_READ_LIMIT = 64 << 20;
const PIECE = 4 << 20;

/**
 * A file's bytes, refusing to follow a symlink in its last component. Small files are read whole
 * and synchronously: rebuilding a layer reads every one of its files, most of them small, and an
 * asynchronous open, stream and close per file cost far more than the reads themselves. Large
 * ones come in pieces, so a layer with a 5 GiB file can still be saved and checked.
 */
function* readNoFollow(path: string): Generator<Buffer> {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const size = fstatSync(fd).size;
    const piece = size > WHOLE_READ_LIMIT ? PIECE : size;
    let got = 0;
    while (got < size) {
      const buf = Buffer.allocUnsafe(Math.min(piece, size - got));
      let filled = 0;
      while (filled < buf.length) {
        const n = readSync(fd, buf, filled, buf.length - filled, null);
        if (n === 0) break;
        filled += n;
      }
      got += filled;
      yield filled === buf.length ? buf : buf.subarray(0, filled);
      if (filled < buf.length) return;
    }
  } finally {
    closeSync(fd);
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
