export function toBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (typeof v === "string") return Buffer.from(v);
  throw new TypeError(`archive input yielded a ${typeof v}, not bytes`);
}

export type ByteSource = Buffer | Uint8Array | AsyncIterable<unknown> | Iterable<Uint8Array>;

export async function* chunksOf(input: ByteSource): AsyncGenerator<Buffer> {
  if (input instanceof Uint8Array) {
    if (input.length) yield toBuffer(input);
    return;
  }
  for await (const c of input as AsyncIterable<unknown>) {
    const b = toBuffer(c);
    if (b.length) yield b;
  }
}
