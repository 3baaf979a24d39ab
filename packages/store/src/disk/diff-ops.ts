import type * as NodeFs from "node:fs";

/**
 * The file system calls that materialise a layer's members under an overlay2 diff/ directory,
 * in tar order: directories, files (written sparse: every all-zero 4 KiB block left as a hole,
 * consecutive data blocks in one write), hard links and symlinks.
 *
 * The function refers to nothing outside its own body (Node's fs and path are handed in), because
 * it runs in two places: inline on the main thread for a small layer, and, by its source text,
 * in the worker thread that writes a large layer's files while the main thread goes on hashing
 * and recording the tar (see diff-writer.ts).
 */
export function diffOps(fs: typeof NodeFs, path: { join(...p: string[]): string; dirname(p: string): string }, root: string, knownDirs: readonly string[]) {
  const BLOCK = 4096;
  const ZERO = Buffer.alloc(BLOCK);
  const dirs = new Set<string>(knownDirs);
  let fd = -1;
  let mode = 0;
  let pos = 0;
  let end = 0;

  function ensureDir(rel: string): void {
    if (dirs.has(rel)) return;
    fs.mkdirSync(path.join(root, rel), { recursive: true, mode: 0o755 });
    for (let d = rel; d !== "." && !dirs.has(d); d = path.dirname(d)) dirs.add(d);
  }

  function writeRun(chunk: Uint8Array, from: number, to: number, chunkPos: number): void {
    for (let w = from; w < to; ) w += fs.writeSync(fd, chunk, w, to - w, chunkPos + w);
  }

  return {
    dirs,
    dir(rel: string, bits: number): void {
      ensureDir(path.dirname(rel));
      const target = path.join(root, rel);
      if (!dirs.has(rel)) {
        fs.mkdirSync(target);
        dirs.add(rel);
      }
      fs.chmodSync(target, bits);
    },
    /** Creates the file (O_EXCL, O_NOFOLLOW); its bytes follow through data(), then close(). */
    open(rel: string, bits: number): void {
      ensureDir(path.dirname(rel));
      const c = fs.constants;
      fd = fs.openSync(path.join(root, rel), c.O_WRONLY | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW, bits);
      mode = bits;
      pos = 0;
      end = 0;
    },
    data(chunk: Uint8Array): void {
      let runStart = -1;
      let off = 0;
      while (off < chunk.length) {
        const next = Math.min(chunk.length, off + (BLOCK - ((pos + off) % BLOCK)));
        const zero = Buffer.from(chunk.buffer, chunk.byteOffset + off, next - off).equals(ZERO.subarray(0, next - off));
        if (!zero && runStart < 0) runStart = off;
        if (zero && runStart >= 0) {
          writeRun(chunk, runStart, off, pos);
          runStart = -1;
        }
        off = next;
      }
      if (runStart >= 0) {
        writeRun(chunk, runStart, chunk.length, pos);
        end = pos + chunk.length;
      }
      pos += chunk.length;
    },
    close(): void {
      try {
        // A trailing hole: the size comes from the truncate, never from writing the zeros.
        if (end !== pos) fs.ftruncateSync(fd, pos);
        // open() applies the umask; the recorded bits are wanted as they are.
        fs.fchmodSync(fd, mode);
      } finally {
        fs.closeSync(fd);
        fd = -1;
      }
    },
    /** Closes a file left open by a failure, so the write-set can be removed. */
    abandon(): void {
      if (fd >= 0) fs.closeSync(fd);
      fd = -1;
    },
    link(targetRel: string, rel: string): void {
      ensureDir(path.dirname(rel));
      fs.linkSync(path.join(root, targetRel), path.join(root, rel));
    },
    symlink(linkname: string, rel: string): void {
      ensureDir(path.dirname(rel));
      fs.symlinkSync(linkname, path.join(root, rel));
    },
  };
}

export type DiffOps = ReturnType<typeof diffOps>;
