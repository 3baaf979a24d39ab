import { describe, expect, test } from "vitest";
import { BuildContext } from "@tsbuild/context";
import type { ImageStore, StoredLayer } from "@tsbuild/store";
import { buildImage } from "@tsbuild/builder";
import { busyboxStore } from "./helpers.js";

const DOCKERFILE = [
  "FROM busybox AS build",
  "RUN mkdir -p /out && echo app > /out/app && echo x > /out/extra",
  "FROM busybox",
  "COPY --from=build /out/app /usr/local/bin/app",
  "COPY --from=0 /out/ /opt/",
  "COPY --from=busybox /etc/passwd /passwd-from-image",
  "",
].join("\n");

/** The store, with every layer read counted (what materialising a filesystem costs). */
function counting(store: ImageStore): { store: ImageStore; opens: () => number } {
  let opens = 0;
  // A layer is read through open() or, when materialising, whole through chunks().
  const wrap = (l: StoredLayer): StoredLayer =>
    Object.assign(Object.create(l) as StoredLayer, { open: () => (opens++, l.open()), chunks: (max: number) => (opens++, l.chunks?.(max) ?? Promise.resolve(undefined)) });
  const counted = (store: ImageStore): ImageStore => new Proxy(store, {
    get(target, prop, receiver) {
      // A build runs on the store its lock hands it: count that one too.
      if (prop === "withLock") return <T>(fn: (locked: ImageStore) => Promise<T>) => target.withLock((locked) => fn(counted(locked)));
      if (prop === "getLayer") return (chain: string) => { const l = target.getLayer(chain as never); return l && wrap(l); };
      if (prop === "getImage") {
        return (id: string) => {
          const img = target.getImage(id as never);
          return img && Object.assign(Object.create(img), { layers: async () => (await img.layers()).map(wrap) });
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { store: counted(store), opens: () => opens };
}

describe("COPY --from's source hashes are remembered by layers and patterns", () => {
  test("a warm build reads no stage's or image's files, and makes the same image", async () => {
    const base = await busyboxStore();
    const remembered = new Map<string, { hash: string; count: number }>();
    const fromSums = { get: (k: string) => remembered.get(k), set: (k: string, v: { hash: string; count: number }) => void remembered.set(k, v) };
    const context = BuildContext.fromFiles({ Dockerfile: DOCKERFILE });
    const cold = counting(base);
    const first = await buildImage({ store: cold.store, context, fromSums });
    expect(remembered.size).toBe(3);
    expect(cold.opens()).toBeGreaterThan(0);

    const warm = counting(base);
    const second = await buildImage({ store: warm.store, context, fromSums });
    expect(second.imageId).toBe(first.imageId);
    expect(second.steps.every((s) => s.cached || s.text.startsWith("FROM"))).toBe(true);
    expect(warm.opens()).toBe(0);

    // Without the remembered hashes the same warm build reads the layers to hash the sources again.
    const forgetful = counting(base);
    const third = await buildImage({ store: forgetful.store, context, fromSums: { get: () => undefined, set: () => {} } });
    expect(third.imageId).toBe(first.imageId);
    expect(forgetful.opens()).toBeGreaterThan(0);
  });

  test("a changed stage is new layers, so its COPY is hashed again and misses the cache", async () => {
    const store = await busyboxStore();
    const remembered = new Map<string, { hash: string; count: number }>();
    const fromSums = { get: (k: string) => remembered.get(k), set: (k: string, v: { hash: string; count: number }) => void remembered.set(k, v) };
    const first = await buildImage({ store, context: BuildContext.fromFiles({ Dockerfile: DOCKERFILE }), fromSums });
    const changed = DOCKERFILE.replace("echo app > /out/app", "echo app2 > /out/app");
    const second = await buildImage({ store, context: BuildContext.fromFiles({ Dockerfile: changed }), fromSums });
    expect(second.imageId).not.toBe(first.imageId);
    const copyStep = second.steps.find((s) => s.text === "COPY --from=build /out/app /usr/local/bin/app");
    expect(copyStep?.cached).toBe(false);
    expect(remembered.size).toBe(5);
  });
});
