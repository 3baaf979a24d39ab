import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { sha256Digest, type ImageConfigFile } from "@tsbuild/image";
import { CacheFromSources, memoryStore } from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const fx = JSON.parse(readFileSync(join(here, "cache-from-docker.json"), "utf8")) as {
  parentConfig: string; targetConfig: string; layers: string[]; restored: string[];
};
const busyboxTar = resolve(here, "../../../test/conformance/base/busybox-rootfs.tar");

/** The store a CI machine has after pulling the pushed image: the base, the target, no parent links. */
async function pulledStore() {
  const store = memoryStore();
  const base = await store.putLayer(readFileSync(busyboxTar), null);
  let top = base.chainID;
  for (const l of fx.layers) top = (await store.putLayer(Buffer.from(l, "base64"), top)).chainID;
  const parent = await store.putImage(Buffer.from(fx.parentConfig));
  const target = await store.putImage(Buffer.from(fx.targetConfig));
  return { store, parent, target };
}

describe("--cache-from as Docker 20.10's classic builder restores from a pulled image", () => {
  it("restores each step with dockerd's bytes and IDs, and ends on the source itself with its parent set", async () => {
    const { store, parent, target } = await pulledStore();
    const cache = new CacheFromSources(store, [target], "20.10.24+dfsg1");
    let current = parent;
    for (const restored of fx.restored) {
      const probe = (JSON.parse(restored) as ImageConfigFile).config;
      const id = await cache.get(current, probe);
      expect(id).toBe(sha256Digest(restored));
      expect(store.parentOf(id!)).toBe(current);
      current = id!;
    }
    const last = JSON.parse(fx.targetConfig) as ImageConfigFile;
    const probe = { ...last.config, Cmd: ["/bin/sh", "-c", "#(nop) ", 'CMD ["sh"]'], Image: current };
    expect(await cache.get(current, probe)).toBe(target);
    expect(store.parentOf(target)).toBe(current);
  });

  it("misses when the step's command is not the source's next history entry", async () => {
    const { store, parent, target } = await pulledStore();
    const cache = new CacheFromSources(store, [target]);
    const probe = { ...(JSON.parse(fx.restored[0]) as ImageConfigFile).config, Cmd: ["/bin/sh", "-c", "#(nop) ", "ENV OTHER=1"] };
    expect(await cache.get(parent, probe)).toBeUndefined();
    expect(store.listImages()).toHaveLength(2);
  });

  it("takes an ordinary local hit only when it is an ancestor of a source", async () => {
    const { store, parent, target } = await pulledStore();
    const probes = fx.restored.map((r) => (JSON.parse(r) as ImageConfigFile).config);
    const first = new CacheFromSources(store, [target], "20.10.24+dfsg1");
    // A local hit that is no ancestor of the source (here the source itself) is not taken.
    expect(await first.get(parent, probes[0], target)).toBe(sha256Digest(fx.restored[0]));
    let current = sha256Digest(fx.restored[0]);
    for (const p of probes.slice(1)) current = (await first.get(current, p))!;
    const last = JSON.parse(fx.targetConfig) as ImageConfigFile;
    await first.get(current, { ...last.config, Cmd: ["/bin/sh", "-c", "#(nop) ", 'CMD ["sh"]'], Image: current });
    // The next build: the restored chain now leads to the source, so the local hit stands.
    const second = new CacheFromSources(store, [target]);
    expect(await second.get(parent, probes[0], sha256Digest(fx.restored[0]))).toBe(sha256Digest(fx.restored[0]));
  });
});
