/** Decompressed output went past the byte budget given by the caller (`--memory`). */
export class ExpansionLimitError extends Error {
  constructor(readonly limit: number) {
    super(`archive expands past the memory limit of ${formatBytes(limit)} (use --memory)`);
  }
}

/** Compressed or tar data that cannot be read: truncated, corrupt, or a header Go's reader refuses. */
export class ArchiveFormatError extends Error {}

export function formatBytes(n: number): string {
  for (const [unit, size] of [["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
    if (n >= size) return `${(n / size).toFixed(1)} ${unit}`;
  }
  return `${n} bytes`;
}
