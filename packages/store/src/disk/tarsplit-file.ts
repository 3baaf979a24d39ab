import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { decodeEntry, type TarSplitEntry } from "../tarsplit/entry.js";

/** The records of a tar-split.json.gz, in order. */
export async function* readTarSplitFile(path: string): AsyncGenerator<TarSplitEntry> {
  const file = createReadStream(path);
  const gunzip = createGunzip();
  file.on("error", (e) => gunzip.destroy(e));
  file.pipe(gunzip);
  const lines = createInterface({ input: gunzip, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === "") continue;
      yield decodeEntry(line);
    }
  } finally {
    lines.close();
    file.destroy();
    gunzip.destroy();
  }
}

/** A gzip'd JSON-lines writer for tar-split records, as layerdb's TarSplitWriter. */
export class TarSplitFileWriter {
  private readonly gzip = createGzip();
  private readonly out;

  constructor(path: string) {
    this.out = createWriteStream(path, { mode: 0o644 });
    this.gzip.pipe(this.out);
  }

  async write(line: string): Promise<void> {
    if (!this.gzip.write(line)) await once(this.gzip, "drain");
  }

  async close(): Promise<void> {
    this.gzip.end();
    await finished(this.out);
  }

  destroy(): void {
    this.gzip.destroy();
    this.out.destroy();
  }
}
