import { readFileSync } from "node:fs";
import type { Digest } from "@tsbuild/image";
import { importTar, openStore, type ImageStore } from "@tsbuild/store";
import { busyboxTar } from "./run.js";

/** A one-member layer tar (ustar), enough for a build-like step. */
export function layerTar(name: string, data: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write("0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(data.length.toString(8).padStart(11, "0") + "\0", 124);
  h.write("14543000000\0", 136);
  h.write("0", 156);
  h.write("ustar\x0000", 257);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of h) sum += c;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  const body = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  body.write(data);
  return Buffer.concat([h, body, Buffer.alloc(1024)]);
}

export interface Seeded {
  store: ImageStore;
  base: Digest;
  step: Digest;
  app: Digest;
}

/**
 * busybox:1 (imported), then an "app:1" built on it the way the classic builder commits:
 * one RUN step with a layer, one CMD step without, each an image whose parent is the last.
 */
export async function seed(root: string): Promise<Seeded> {
  const store = openStore(root);
  const base = await importTar(store, readFileSync(busyboxTar), { ref: "busybox:1", created: new Date("2024-01-01T00:00:00Z") });
  const baseConfig = JSON.parse((await store.getImage(base)!.rawConfig()).toString());
  const layer = await store.putLayer(layerTar("hello.txt", "hello world\n"), baseConfig.rootfs.diff_ids[0]);
  const history = [...baseConfig.history, { created: "2024-01-01T00:01:00Z", created_by: "/bin/sh -c echo hello world > /hello.txt && echo a very long command line" }];
  const rootfs = { type: "layers", diff_ids: [...baseConfig.rootfs.diff_ids, await layer.diffID()] };
  const cfg = (h: unknown[], cmd: string[] | null) => Buffer.from(JSON.stringify({
    architecture: "amd64", os: "linux", created: (h.at(-1) as { created: string }).created,
    config: { Cmd: cmd, Env: ["PATH=/bin"] }, history: h, rootfs,
  }));
  const step = await store.putImage(cfg(history, null), base);
  const appHistory = [...history, { created: "2024-01-01T00:02:00Z", created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true }];
  const app = await store.putImage(cfg(appHistory, ["sh", "-c", "cat /hello.txt > /dev/null && sh"]), step);
  await store.tag("app:1", app);
  return { store, base, step, app };
}
