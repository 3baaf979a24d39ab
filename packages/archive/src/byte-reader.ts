import { toBuffer } from "./bytes.js";

/**
 * Pull-style reads of exact byte counts from a chunked source. Every byte taken from the
 * source passes through `onData` once, in order (the caller hashes the whole stream there).
 */
export class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private readonly it: AsyncIterator<unknown>;
  /** Bytes handed out so far: the offset of the next byte, for error messages. */
  offset = 0;

  constructor(source: AsyncIterable<unknown>, private readonly onData: (b: Buffer) => void = () => {}) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    for (;;) {
      const r = await this.it.next();
      if (r.done) {
        this.ended = true;
        return false;
      }
      const b = toBuffer(r.value);
      if (b.length === 0) continue;
      this.onData(b);
      this.chunks.push(b);
      this.buffered += b.length;
      return true;
    }
  }

  /** Exactly n bytes, or fewer only at the end of the source. */
  async read(n: number): Promise<Buffer> {
    while (this.buffered < n && (await this.pull()));
    return this.take(Math.min(n, this.buffered));
  }

  /** Up to `max` bytes, whatever is at hand (at least one unless at the end). */
  async readSome(max: number): Promise<Buffer> {
    if (this.buffered === 0) await this.pull();
    return this.take(Math.min(max, this.buffered, this.chunks[0]?.length ?? 0));
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    let out: Buffer;
    const first = this.chunks[0];
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0];
        const k = Math.min(c.length, n - filled);
        c.copy(out, filled, 0, k);
        filled += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    this.offset += n;
    return out;
  }
}
