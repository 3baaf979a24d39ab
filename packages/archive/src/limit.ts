import { totalmem } from "node:os";

/**
 * The build's memory budget when `--memory` is not given: a quarter of the machine, so an
 * archive bomb stops long before Node or the machine runs out.
 */
export function defaultMemoryLimit(): number {
  const fromEnv = process.env.TSBUILD_MEMORY;
  if (fromEnv) {
    const n = parseMemory(fromEnv);
    if (n !== undefined) return n;
  }
  // Read once: os.totalmem() reads /proc/meminfo, and every RUN step asks.
  return (quarterOfMachine ??= Math.floor(totalmem() / 4));
}

let quarterOfMachine: number | undefined;

/** Docker's memory notation (`512m`, `2g`, `1024k`, plain bytes); undefined when unreadable. */
export function parseMemory(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)i?b?$/i.exec(text.trim());
  if (!m) return undefined;
  const scale = { "": 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase()] ?? 1;
  const n = Math.floor(Number(m[1]) * scale);
  return n > 0 ? n : undefined;
}
