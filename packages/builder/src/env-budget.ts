import { defaultMemoryLimit } from "@tsbuild/archive";

/**
 * A stage's environment is copied into every later step's config, history text and cache probe
 * (a 16 MB environment took 40 times that in memory): past 1/256 of the memory budget (23 MiB of the default on a 24 GiB machine; real environments are kilobytes),
 * a doubling `ENV e=${e}${e}` stops with a message instead of growing until Node aborts.
 */
export const ENV_SHARE = 256;

/** Why `env` is too big for the build's memory budget, or undefined. */
export function envOverBudget(env: readonly string[]): string | undefined {
  const limit = defaultMemoryLimit();
  const allowed = Math.floor(limit / ENV_SHARE);
  let bytes = 0;
  for (const e of env) bytes += Buffer.byteLength(e, "utf8");
  if (bytes <= allowed) return undefined;
  return `the image's environment (${size(bytes)}) exceeds ${size(allowed)}, its share (1/${ENV_SHARE}) of the memory limit of ${size(limit)} (use --memory)`;
}

function size(n: number): string {
  for (const [unit, s] of [["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]] as const) if (n >= s) return `${+(n / s).toFixed(1)} ${unit}`;
  return `${n} bytes`;
}
