/** A small seeded generator (mulberry32): the same seed gives the same compositions on any machine. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** k distinct items, in their original order. */
  some<T>(xs: readonly T[], k: number): T[] {
    const idx = new Set<number>();
    while (idx.size < Math.min(k, xs.length)) idx.add(this.int(xs.length));
    return [...idx].sort((a, b) => a - b).map((i) => xs[i]);
  }
}
