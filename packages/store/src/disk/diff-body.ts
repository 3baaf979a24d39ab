import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import type { LayerBody } from "../types.js";

/** What the bodies of one layer share: its diff/ directory, and its name for errors. */
export interface DiffDir {
  readonly path: string;
  readonly layer: string;
}

/**
 * A member's data as the file of the layer's diff/ that holds it, read when asked. Overlay2
 * stacks diff/ as it is, without reading it; a build does the same, and checks only what costs
 * nothing: the file is still there, a regular file (never through a symlink) of the size the
 * layer recorded. Anything else is a store changed under the build, named as such.
 */
export class DiffBody implements LayerBody {
  constructor(private readonly dir: DiffDir, private readonly rel: string, readonly length: number) {}

  readInto(out: Buffer, at: number, offset: number, length: number): void {
    const fd = this.open();
    try {
      readFully(fd, out, at, offset, length, this);
    } finally {
      closeSync(fd);
    }
  }

  *chunks(offset: number, length: number, chunk: number): Generator<Buffer> {
    const fd = this.open();
    try {
      for (let pos = 0; pos < length; pos += chunk) {
        const n = Math.min(chunk, length - pos);
        const buf = Buffer.allocUnsafe(n);
        readFully(fd, buf, 0, offset + pos, n, this);
        yield buf;
      }
    } finally {
      closeSync(fd);
    }
  }

  get path(): string {
    return this.dir.path + "/" + this.rel;
  }

  private open(): number {
    let fd: number;
    try {
      fd = openSync(this.path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (e) {
      throw this.changed(`cannot be read (${(e as Error).message})`);
    }
    const st = fstatSync(fd);
    if (!st.isFile() || st.size !== this.length) {
      closeSync(fd);
      throw this.changed(st.isFile() ? `has ${st.size} bytes, the layer recorded ${this.length}` : "is not a regular file");
    }
    return fd;
  }

  changed(what: string): Error {
    return new Error(`${this.path} (layer ${this.dir.layer}) ${what}: the store changed under the build; run \`tsbuild fsck\``);
  }
}

function readFully(fd: number, out: Buffer, at: number, offset: number, length: number, body: DiffBody): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, at + done, length - done, offset + done);
    if (n === 0) throw body.changed(`ended at byte ${offset + done}`);
    done += n;
  }
}
