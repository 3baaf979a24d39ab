/** Computes a value once, on first call; later calls share the same promise. */
export function lazy<T>(compute: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= compute());
}
