import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import { constants, createGunzip, createGzip } from "node:zlib";
import { decodeEntry, type TarSplitEntry } from "../tarsplit/entry.js";

/** The records of a tar-split.json.gz, in order. */
export async function* readTarSplitFile(path: string): AsyncGenerator<TarSplitEntry> {
  const gunzip = createGunzip();
  const feeding = pipeline(createReadStream(path), gunzip);
  feeding.catch(() => undefined);
  const lines = createInterface({ input: gunzip, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === "") continue;
      yield decodeEntry(line);
    }
    await feeding;
  } finally {
    lines.close();
    gunzip.destroy();
  }
}

/**
 * A gzip'd JSON-lines writer for tar-split records, as layerdb's TarSplitWriter. Lines are
 * handed to zlib in batches (a layer has two records per member), and compressed at the fastest
 * level: the file is only ever read back by a store, and a layer of 20,000 files would otherwise
 * spend longer compressing its metadata than hashing its content.
 */
export class TarSplitFileWriter {
  private readonly gzip = createGzip({ level: constants.Z_BEST_SPEED });
  private readonly done: Promise<void>;
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(path: string) {
    this.done = pipeline(this.gzip, createWriteStream(path, { mode: 0o644 }));
    this.done.catch(() => undefined);
  }

  async write(line: string): Promise<void> {
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= BATCH) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    this.gzip.end();
    await this.done;
  }

  destroy(): void {
    this.gzip.destroy();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join("");
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.gzip.write(text)) await once(this.gzip, "drain");
  }
}

const BATCH = 256 * 1024;
