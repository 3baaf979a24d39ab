import { walkTar, type ByteReader, type TarEntry } from "@tsbuild/archive";
import { Crc64 } from "../tarsplit/crc64.js";
import type { TarSplitEntry } from "../tarsplit/entry.js";

export type { TarEntry };

export interface DisassembleSink {
  /**
   * Every tar-split record, in order (raw segments and file records). A sink that keeps no
   * tar-split says so with `null`, and file records then carry no crc64: computing it is a pass
   * over every byte of the layer.
   */
  record: ((e: TarSplitEntry) => void | Promise<void>) | null;
  /** Called once per member; `body` yields its data and may be left unread. */
  entry(e: TarEntry, body: AsyncIterable<Buffer>): Promise<void>;
}

/**
 * Walks a tar the way tar-split's asm.NewInputTarStream does over Go's archive/tar (the
 * archive package's reader): raw header/padding bytes become segment records, members become
 * file records with the crc64 of their data. Trailing bytes are always read, so a hash over the
 * reader covers the whole stream.
 */
export async function disassemble(reader: ByteReader, sink: DisassembleSink): Promise<void> {
  const record = sink.record;
  let crc: Crc64 | undefined;
  await walkTar(reader, {
    segment: record ? (seg) => record({ type: 2, payload: seg }) : undefined,
    entry: (e, body) => {
      crc = record ? new Crc64() : undefined;
      return sink.entry(e, body);
    },
    data: (chunk) => crc?.update(chunk),
    entryEnd: (e) => record?.({ type: 1, name: e.name, size: e.size, payload: e.size > 0 && crc ? crc.digest() : null }),
    trailer: (raw) => record?.({ type: 2, payload: raw }),
  });
}
