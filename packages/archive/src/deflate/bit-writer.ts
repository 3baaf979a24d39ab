/**
 * Deflate's bit order: values are packed least significant bit first into bytes. gzip sends
 * them through a 16-bit buffer and busybox through a 32-bit one; the byte stream is the same.
 */
export class BitWriter {
  private buf: Uint8Array;
  private pos = 0;
  private bits = 0;
  private count = 0;

  constructor(initial = 1 << 16) {
    this.buf = new Uint8Array(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** `value` must fit in `length` (<= 16) bits. */
  sendBits(value: number, length: number): void {
    this.bits |= value << this.count;
    this.count += length;
    if (this.count >= 16) {
      this.ensure(2);
      this.buf[this.pos++] = this.bits & 0xff;
      this.buf[this.pos++] = (this.bits >>> 8) & 0xff;
      this.bits >>>= 16;
      this.count -= 16;
    }
  }

  /** bi_windup: the pending bits, zero-padded to a byte boundary. */
  windup(): void {
    this.ensure(4);
    while (this.count > 0) {
      this.buf[this.pos++] = this.bits & 0xff;
      this.bits >>>= 8;
      this.count -= 8;
    }
    this.bits = 0;
    this.count = 0;
  }

  /** copy_block: align, then optionally LEN and ~LEN, then the bytes verbatim. */
  copyBlock(data: Uint8Array, header: boolean): void {
    this.windup();
    this.ensure(data.length + 4);
    if (header) {
      const len = data.length & 0xffff;
      const nlen = ~data.length & 0xffff;
      this.buf[this.pos++] = len & 0xff;
      this.buf[this.pos++] = len >>> 8;
      this.buf[this.pos++] = nlen & 0xff;
      this.buf[this.pos++] = nlen >>> 8;
    }
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  writeBytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** The bytes written so far (the caller winds up first). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
