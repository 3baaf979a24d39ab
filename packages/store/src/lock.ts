const queues = new Map<string, Promise<void>>();

/**
 * Runs fn after every earlier holder of `key` in this process has finished. Not re-entrant:
 * nested work reuses the held lock through the locked store that withLock hands to its callback
 * (an AsyncLocalStorage would find the holder by itself, but its promise hooks slow every promise
 * of the process by 5–10%).
 */
export async function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const tail = previous.then(() => mine);
  queues.set(key, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (queues.get(key) === tail) queues.delete(key);
  }
}
