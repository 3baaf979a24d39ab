import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { sha256Digest, type LayerEntry } from "@tsbuild/image";
import tar from "tar-stream";
import { RootFS, type LayerDiff } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The conformance data: the repository's copy when present, else the shared one. */
export const CONFORMANCE_DIR = [
  path.resolve(here, "../../../test/conformance"),
  path.resolve(here, "../../../../shared/conformance"),
].find((d) => fs.existsSync(path.join(d, "base", "busybox-rootfs.tar")))!;

export const FIXTURES = path.join(here, "fixtures");

export function busyboxBase(): Buffer {
  return fs.readFileSync(path.join(CONFORMANCE_DIR, "base", "busybox-rootfs.tar"));
}

interface ExpectedLayer {
  size: number;
  entries: LayerEntry[];
}

/** The layers Docker recorded for a case (layer 0 is the base). */
export function expectedLayers(caseName: string): ExpectedLayer[] {
  const dir = fs.readdirSync(path.join(CONFORMANCE_DIR, "cases")).find((d) => d.startsWith(caseName + "-"));
  if (!dir) throw new Error(`no conformance case ${caseName}`);
  const expected = JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, "cases", dir, "expected.json"), "utf8"));
  return expected.image.layers;
}

export async function busyboxRootFS(opts?: ConstructorParameters<typeof RootFS>[0]): Promise<RootFS> {
  const rfs = new RootFS(opts);
  await rfs.applyLayer(busyboxBase());
  return rfs;
}

/** Runs `change` as one step and returns its layer. */
export async function step(rfs: RootFS, change: (rfs: RootFS) => void): Promise<LayerDiff> {
  rfs.beginStep();
  change(rfs);
  return rfs.commitStep();
}

/** Entries with keys in a stable order, for readable diffs. */
export function normalise(entries: LayerEntry[]): LayerEntry[] {
  return entries.map((e) => Object.fromEntries(Object.entries(e).sort(([a], [b]) => a.localeCompare(b))) as unknown as LayerEntry);
}

export interface TarSpec {
  name: string;
  type?: "file" | "directory" | "symlink" | "link" | "character-device" | "fifo";
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  linkname?: string;
  content?: string | Buffer;
  devmajor?: number;
  devminor?: number;
}

/** A tar built with tar-stream's packer (independent of the package's own writer). */
export async function makeTar(specs: TarSpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  for (const s of specs) {
    const type = s.type ?? "file";
    const body = s.content === undefined ? undefined : Buffer.from(s.content);
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: s.name, type, mode: s.mode ?? (type === "directory" ? 0o755 : 0o644), uid: s.uid ?? 0, gid: s.gid ?? 0,
        mtime: s.mtime ?? new Date(0), linkname: s.linkname, devmajor: s.devmajor, devminor: s.devminor,
      };
      pack.entry(header, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Every path with what `ls -lin` would show of it (inodes only as hard-link groups), for comparing two trees. */
export function listing(rfs: RootFS): string[] {
  const out: string[] = [];
  const groups = new Map<number, string>();
  const walk = (dir: string) => {
    for (const name of rfs.readdir(dir)) {
      const p = (dir === "/" ? "" : dir) + "/" + name;
      const s = rfs.lstat(p);
      if (s.nlink > 1 && s.type !== "dir" && !groups.has(s.ino)) groups.set(s.ino, p);
      const body = s.type === "file" ? sha256Digest(rfs.readFile(p)) : s.type === "symlink" ? rfs.readlink(p) : "";
      const group = s.type !== "dir" && s.nlink > 1 ? groups.get(s.ino) : "";
      out.push([p, s.type, s.mode.toString(8), s.uid, s.gid, s.size, s.mtime.getTime(), s.nlink, s.rdev ?? 0, body, group].join(" "));
      if (s.type === "dir") walk(p);
    }
  };
  walk("/");
  return out;
}
