import { createCipheriv } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Deterministic pseudo-random bytes: AES-128-CTR over zeros with a fixed key, so every machine
 * generates the same trees (and so the same hashes) in a fraction of a second per 100 MB.
 */
export class ByteStream {
  private readonly cipher;
  constructor(seed: string) {
    const key = Buffer.alloc(16);
    key.write(seed.slice(0, 16));
    this.cipher = createCipheriv("aes-128-ctr", key, Buffer.alloc(16));
  }
  next(n: number): Buffer {
    return this.cipher.update(Buffer.alloc(n));
  }
}

/** Deterministic small integers (mulberry32). */
export class Prng {
  constructor(private state: number) {}
  /** Uniform in [0, 1). */
  float(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/**
 * File sizes spread log-uniformly over three decades (like source trees: many small files, a
 * few large ones), scaled to add up to exactly `total` bytes.
 */
export function fileSizes(count: number, total: number, seed: number): number[] {
  const rng = new Prng(seed);
  const weights = Array.from({ length: count }, () => Math.exp(rng.float() * Math.log(1000)));
  const scale = total / weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.floor(w * scale));
  sizes[count - 1] += total - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

/** "d07/s3/f042.bin": 100 files a directory, 10 directories a group. */
export function treePath(i: number): string {
  const d = Math.floor(i / 1000);
  const s = Math.floor(i / 100) % 10;
  return `d${String(d).padStart(2, "0")}/s${s}/f${String(i % 100).padStart(3, "0")}.bin`;
}

/** Writes `count` files adding up to `total` bytes under dir; returns the bytes written. */
export function writeTree(dir: string, count: number, total: number, seed = 7): number {
  const bytes = new ByteStream(`tsbuild-bench-${seed}`);
  const sizes = fileSizes(count, total, seed);
  const made = new Set<string>();
  for (let i = 0; i < count; i++) {
    const rel = treePath(i);
    const parent = join(dir, rel.slice(0, rel.lastIndexOf("/")));
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    writeFileSync(join(dir, rel), bytes.next(sizes[i]));
  }
  return total;
}
