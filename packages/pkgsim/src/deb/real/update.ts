import type { FileSystem } from "@tsbuild/fs-snapshot";
import { FetchError, type Fetcher, type FetchResult } from "@tsbuild/fetch";
import { createHash } from "node:crypto";
import { lexists, mkdirp, writeText } from "../../util/fsutil.js";
import type { Out } from "../../util/output.js";
import { sizeToStr } from "../format.js";
import { listFileBase, type Source } from "../sources.js";
import { decompress } from "./decompress.js";
import { LISTS } from "./index-file.js";
import { keyringFor, verifyInRelease } from "./release.js";

export interface UpdateOptions {
  arch: string;
  languages: boolean;
  quiet: number;
  owner: (name: string) => { uid: number; gid: number };
  /** InRelease answers already fetched (fresh) in this run, by URL: not asked for twice. */
  prefetched?: Map<string, FetchResult>;
}

/** (uri, suite) groups in sources order, as apt fetches one InRelease per group. */
export function groupSources(sources: Source[]): Source[] {
  const out = new Map<string, Source>();
  for (const s of sources) {
    const uri = s.uri.replace(/\/+$/, "");
    const key = `${uri} ${s.suite}`;
    const cur = out.get(key) ?? { uri, suite: s.suite, components: [], signedBy: s.signedBy };
    for (const c of s.components) if (!cur.components.includes(c)) cur.components.push(c);
    out.set(key, cur);
  }
  return [...out.values()];
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
/** A stored file's sha256 from the tree's own buffers (a 50 MB Packages list is not copied to be hashed). */
const sha256Of = (chunks: Iterable<Buffer>) => {
  const h = createHash("sha256");
  for (const c of chunks) h.update(c);
  return h.digest("hex");
};

/**
 * An index's uncompressed bytes, whose sha256 the verified InRelease names (`want`), and the size
 * of the compressed file apt would download (`variant`). The uncompressed index is kept in the
 * content cache under that sha256 once it has been checked: a second stage or build that is told
 * the same digest reads it back (the cache re-hashes every blob it serves) instead of
 * decompressing the same Packages.xz or Translation-en.xz again (half a second for bookworm's).
 * Without network (RUN --network=none) the download is attempted, and fails, as apt's would.
 */
async function indexFile(
  fetcher: Fetcher, url: string, variant: { sha256: string; size: number }, want: { sha256: string }, path: string,
): Promise<{ plain: Buffer; size: number }> {
  const held = fetcher.network ? fetcher.cache.getBlob(want.sha256) : undefined;
  if (held) return { plain: held, size: variant.size };
  const res = await fetcher.get(url, { sha256: variant.sha256, maxBytes: variant.size + 1 });
  if (res.status >= 400) throw new FetchError("http", url, `${res.status}  Not Found`, res.status);
  const plain = await decompress(res.bytes);
  if (sha256(plain) !== want.sha256) throw new Error(`Hash Sum mismatch (${path}: sha256 of the decompressed index is not the InRelease's)`);
  if (plain !== res.bytes) fetcher.cache.putBlob(plain);
  return { plain, size: res.bytes.length };
}

/**
 * `apt-get update` over the real archive: each InRelease verified with the image's keyring, then
 * every index whose stored copy no longer matches the InRelease's SHA256 downloaded (by hash when
 * the archive offers it), decompressed, checked, and stored uncompressed in /var/lib/apt/lists
 * under apt's names. Release/Release.gpg pairs are dropped once an InRelease is in use, as apt does.
 */
export async function realUpdate(fs: FileSystem, out: Out, fetcher: Fetcher, sources: Source[], o: UpdateOptions): Promise<number> {
  const apt = o.owner("_apt");
  // apt (re)sets its download directory to 0700 _apt on every run, so it lands in the layer
  mkdirp(fs, `${LISTS}/partial`, 0o700);
  fs.chmod(`${LISTS}/partial`, 0o700);
  fs.chown(`${LISTS}/partial`, apt);
  if (!lexists(fs, `${LISTS}/auxfiles`)) {
    fs.mkdir(`${LISTS}/auxfiles`, { mode: 0o755, owner: apt });
  }
  writeText(fs, `${LISTS}/lock`, "", 0o640);
  let n = 0;
  let fetched = 0;
  const failures: string[] = [];
  const unsigned: string[] = [];
  const started = Date.now();
  for (const s of groupSources(sources)) {
    const base = `${LISTS}/${listFileBase(s)}`;
    const url = `${s.uri}/dists/${s.suite}/InRelease`;
    const label = `${s.uri} ${s.suite}`;
    const num = ++n;
    let text: string;
    let release;
    try {
      const res = o.prefetched?.get(url) ?? (await fetcher.get(url, { fresh: true, maxBytes: 64 << 20 }));
      if (res.status >= 400) throw new FetchError("http", url, `${res.status}  Not Found`, res.status);
      text = res.bytes.toString("utf8");
      const { keys } = await keyringFor(fs, s);
      release = await verifyInRelease(text, keys, url);
      const old = lexists(fs, `${base}_InRelease`) ? fs.readFile(`${base}_InRelease`) : undefined;
      // debootstrap leaves Release + Release.gpg beside InRelease; apt then fetches InRelease anew (Docker: "Get:1")
      const debootstrapped = lexists(fs, `${base}_Release`);
      if (old && old.equals(res.bytes) && !debootstrapped) {
        if (o.quiet < 2) out.out(`Hit:${num} ${label} InRelease`);
      } else {
        if (o.quiet < 2) out.out(`Get:${num} ${label} InRelease [${sizeToStr(res.bytes.length)}]`);
        writeText(fs, `${base}_InRelease`, res.bytes);
        fetched += res.bytes.length;
      }
      for (const stale of ["_Release", "_Release.gpg"]) if (lexists(fs, base + stale)) fs.unlink(base + stale);
    } catch (e) {
      const msg = (e as Error).message;
      out.out(`Err:${num} ${label} InRelease`);
      out.out(`  ${msg}`);
      if (e instanceof FetchError) failures.push(`Failed to fetch ${url}  ${msg}`);
      else unsigned.push(`The repository '${label} InRelease' is not signed.`);
      continue;
    }
    const byHash = release.fields.get("Acquire-By-Hash") === "yes";
    for (const c of s.components) {
      const targets = [{ path: `${c}/binary-${o.arch}/Packages`, file: `${base}_${c}_binary-${o.arch}_Packages`, show: `${s.suite}/${c} ${o.arch} Packages` }];
      if (o.languages) targets.push({ path: `${c}/i18n/Translation-en`, file: `${base}_${c}_i18n_Translation-en`, show: `${s.suite}/${c} Translation-en` });
      for (const t of targets) {
        const want = release.files.get(t.path);
        const variant = [".xz", ".gz", ""].map((ext) => ({ ext, e: release.files.get(t.path + ext) })).find((v) => v.e);
        if (!want || !variant?.e) continue; // the archive does not offer it (e.g. no Translation-en for -updates)
        if (lexists(fs, t.file) && sha256Of(fs.readChunks(t.file)) === want.sha256) continue;
        const dir = t.path.slice(0, t.path.lastIndexOf("/"));
        const url = byHash ? `${s.uri}/dists/${s.suite}/${dir}/by-hash/SHA256/${variant.e.sha256}` : `${s.uri}/dists/${s.suite}/${t.path}${variant.ext}`;
        const num = ++n;
        try {
          const { plain, size } = await indexFile(fetcher, url, variant.e, want, t.path);
          if (o.quiet < 2) out.out(`Get:${num} ${s.uri} ${t.show} [${sizeToStr(size)}]`);
          writeText(fs, t.file, plain);
          fetched += size;
        } catch (e) {
          const msg = (e as Error).message;
          out.out(`Err:${num} ${s.uri} ${t.show}`);
          out.out(`  ${msg}`);
          failures.push(`Failed to fetch ${url}  ${msg}`);
        }
      }
    }
  }
  const secs = Math.max(1, Math.round((Date.now() - started) / 1000));
  if (o.quiet < 2 && fetched) out.out(`Fetched ${sizeToStr(fetched)} in ${secs}s (${sizeToStr(fetched / secs)}/s)`);
  if (o.quiet < 2) out.out("Reading package lists...");
  // apt: an unverifiable repository is an error; a failed download only a warning (exit 0, old lists kept)
  for (const u of unsigned) out.err(`E: ${u}`);
  for (const f of failures) out.err(`W: ${f}`);
  if (failures.length) out.err("W: Some index files failed to download. They have been ignored, or old ones used instead.");
  return unsigned.length ? 100 : 0;
}
