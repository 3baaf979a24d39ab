import { createReadStream, createWriteStream, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readTar } from "@tsbuild/archive";
import { cleanName } from "../tarsplit/entry.js";

export class BadArchiveError extends Error {}

/**
 * An image archive unpacked into a private temp directory. Only regular files are written;
 * symlinks and hard links (docker save links repeated layers) are kept as aliases and
 * resolved here, never on disk, so nothing can point outside the directory.
 */
export class UnpackedArchive {
  private readonly aliases = new Map<string, string>();
  private readonly files = new Set<string>();

  private constructor(readonly dir: string) {}

  static async from(input: AsyncIterable<unknown> | Readable): Promise<UnpackedArchive> {
    await removeDeadLoads();
    // The pid in the name lets a later load remove what a killed one left (issue 17: 2 GB stayed).
    const dir = await mkdtemp(join(tmpdir(), `tsbuild-load-${process.pid}-`));
    const archive = new UnpackedArchive(dir);
    try {
      await archive.unpack(input instanceof Readable ? input : Readable.from(input));
    } catch (e) {
      await archive.close();
      const msg = (e as Error).message;
      throw e instanceof BadArchiveError ? e : new BadArchiveError(`cannot read the image archive: ${msg}`);
    }
    return archive;
  }

  private async unpack(input: Readable): Promise<void> {
    // Already decompressed by the caller: read as a plain tar.
    await readTar(input as AsyncIterable<unknown>, async (h, body) => {
      const name = this.check(h.name);
      if (h.typeflag === "0" || h.typeflag === "7") {
        if (name === ".") throw new BadArchiveError("archive member names the archive root as a file");
        await mkdir(join(this.dir, dirname(name)), { recursive: true });
        await pipeline(Readable.from(body), createWriteStream(join(this.dir, name), { flags: "wx" }));
        this.files.add(name);
        return;
      }
      if (h.typeflag === "2") {
        const target = h.linkname;
        this.aliases.set(name, target.startsWith("/") ? this.check(target) : this.check(join(dirname(name), target)));
      } else if (h.typeflag === "1") {
        this.aliases.set(name, this.check(h.linkname));
      }
    });
  }

  private check(name: string): string {
    const clean = cleanName(name.replace(/^\/+/, ""));
    if (clean === ".." || clean.startsWith("../")) throw new BadArchiveError(`archive member ${JSON.stringify(name)} points outside the archive`);
    return clean;
  }

  /** The on-disk path of a member, following links within the archive; undefined if absent. */
  path(name: string): string | undefined {
    let rel: string;
    try {
      rel = this.check(name);
    } catch {
      return undefined;
    }
    for (let hops = 0; hops < 40; hops++) {
      if (this.files.has(rel)) return join(this.dir, rel);
      const next = this.aliases.get(rel);
      if (next === undefined) return undefined;
      rel = next;
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.path(name) !== undefined;
  }

  read(name: string): Buffer {
    const p = this.path(name);
    if (!p) throw new BadArchiveError(`the archive has no ${name}`);
    return readFileSync(p);
  }

  open(name: string): AsyncIterable<Buffer> {
    const p = this.path(name);
    if (!p) throw new BadArchiveError(`the archive has no ${name}`);
    return createReadStream(p) as AsyncIterable<Buffer>;
  }

  size(name: string): number {
    const p = this.path(name);
    return p ? statSync(p).size : 0;
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Temp directories of loads whose process is gone (killed mid-load). */
async function removeDeadLoads(): Promise<void> {
  let names: string[];
  try {
    names = await readdir(tmpdir());
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^tsbuild-load-(\d+)-/.exec(n);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ESRCH") await rm(join(tmpdir(), n), { recursive: true, force: true });
    }
  }
}
