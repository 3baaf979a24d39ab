import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
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

/** A gzip'd JSON-lines writer for tar-split records, as layerdb's TarSplitWriter. */
export class TarSplitFileWriter {
  private readonly gzip = createGzip();
  private readonly done: Promise<void>;

  constructor(path: string) {
    this.done = pipeline(this.gzip, createWriteStream(path, { mode: 0o644 }));
    this.done.catch(() => undefined);
  }

  async write(line: string): Promise<void> {
    if (!this.gzip.write(line)) await once(this.gzip, "drain");
  }

  async close(): Promise<void> {
    this.gzip.end();
    await this.done;
  }

  destroy(): void {
    this.gzip.destroy();
  }
}
