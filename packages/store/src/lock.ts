import { AsyncLocalStorage } from "node:async_hooks";

/** Keys whose lock the current async call chain holds (so nested withLock calls don't deadlock). */
const held = new AsyncLocalStorage<ReadonlySet<string>>();
const queues = new Map<string, Promise<void>>();

/** Whether the current async call chain already holds `key`. */
export function holds(key: string): boolean {
  return held.getStore()?.has(key) ?? false;
}

/**
 * Runs fn after every earlier holder of `key` in this process has finished; re-entrant
 * within one async call chain.
 */
export async function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  if (holds(key)) return fn();
  const previous = queues.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const tail = previous.then(() => mine);
  queues.set(key, tail);
  await previous;
  try {
    return await held.run(new Set([...(held.getStore() ?? []), key]), fn);
  } finally {
    release();
    if (queues.get(key) === tail) queues.delete(key);
  }
}
