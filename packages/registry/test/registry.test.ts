import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importTar, openStore, saveImages, v2Metadata, type ImageStore } from "@tsbuild/store";
import { pull, push } from "../src/index.js";
import {
  alpineTar, announceSkip, busyboxTar, hasProgram, lines, REGISTRY_BIN, skopeo, skopeoPath, startRegistry, tempDir, type RunningRegistry,
} from "./helpers.js";
import { createWriteStream } from "node:fs";
import { once } from "node:events";

const haveRegistry = hasProgram(REGISTRY_BIN);
const haveSkopeo = skopeoPath() !== undefined;
if (!haveRegistry) announceSkip(`${REGISTRY_BIN} is not installed (apt-get install docker-registry): the real-registry tests did not run`);
if (haveRegistry && !haveSkopeo) announceSkip("skopeo is not installed: the skopeo round trips did not run");

async function saveTo(store: ImageStore, name: string, file: string): Promise<void> {
  const out = createWriteStream(file);
  await once(out, "open");
  await saveImages(store, [name], out);
}

function distFiles(root: string): Record<string, string> {
  const base = join(root, "image/overlay2/distribution");
  const out: Record<string, string> = {};
  for (const ns of ["diffid-by-digest", "v2metadata-by-diffid"]) {
    let names: string[] = [];
    try {
      names = readdirSync(join(base, ns, "sha256"));
    } catch {
      continue;
    }
    for (const n of names) out[`${ns}/sha256/${n}`] = readFileSync(join(base, ns, "sha256", n), "utf8");
  }
  return out;
}

describe.skipIf(!haveRegistry)("a real registry (CNCF distribution 2.8)", () => {
  let reg: RunningRegistry;
  let src: ImageStore;
  let srcRoot: string;
  let busyboxID: string;

  beforeAll(async () => {
    reg = await startRegistry();
    srcRoot = tempDir();
    src = openStore(srcRoot);
    busyboxID = await importTar(src, readFileSync(busyboxTar), { ref: "tsbuild-test/busybox:1" });
  });
  afterAll(() => undefined);

  it("push then pull into another store keeps the image ID, writes Docker's distribution/ maps and references", async () => {
    const o = lines();
    const r = await push(src.getImage(busyboxID)!, `${reg.host}/team/busybox:1`, { store: src, output: o.out });
    const diffID = (await src.getImage(busyboxID)!.config()).rootfs.diff_ids[0];
    const short = diffID.slice(7, 19);
    expect(o.text()).toBe(
      `The push refers to repository [${reg.host}/team/busybox]\n${short}: Preparing\n${short}: Pushed\n1: digest: ${r.digest} size: ${r.size}\n`,
    );
    const meta = v2Metadata(src, diffID);
    expect(meta).toHaveLength(1);
    expect(meta[0].SourceRepository).toBe(`${reg.host}/team/busybox`);
    // Docker's HMAC for anonymous credentials: keyed by the digest of "{}".
    const key = "sha256:" + createHash("sha256").update("{}").digest("hex");
    const hmac = (await import("node:crypto")).createHmac("sha256", key).update(meta[0].Digest).update(meta[0].SourceRepository).digest("hex");
    expect(meta[0].HMAC).toBe(hmac);

    const again = lines();
    await push(src.getImage(busyboxID)!, `${reg.host}/team/busybox:1`, { store: src, output: again.out });
    expect(again.text()).toContain(`${short}: Layer already exists\n`);
    const mounted = lines();
    await push(src.getImage(busyboxID)!, `${reg.host}/other/busybox:2`, { store: src, output: mounted.out });
    expect(mounted.text()).toContain(`${short}: Mounted from team/busybox\n`);

    const dstRoot = tempDir();
    const dst = openStore(dstRoot);
    const p = lines();
    const got = await pull(dst, `${reg.host}/team/busybox:1`, { output: p.out });
    expect(got.id).toBe(busyboxID);
    expect(got.digest).toBe(r.digest);
    const blob = meta[0].Digest;
    expect(p.text()).toBe([
      `1: Pulling from team/busybox`, `${blob.slice(7, 19)}: Pulling fs layer`, `${blob.slice(7, 19)}: Verifying Checksum`,
      `${blob.slice(7, 19)}: Download complete`, `${blob.slice(7, 19)}: Pull complete`, `Digest: ${r.digest}`,
      `Status: Downloaded newer image for ${reg.host}/team/busybox:1`, "",
    ].join("\n"));
    expect(distFiles(dstRoot)).toEqual({
      [`diffid-by-digest/sha256/${blob.slice(7)}`]: diffID,
      [`v2metadata-by-diffid/sha256/${diffID.slice(7)}`]: JSON.stringify([{ Digest: blob, SourceRepository: `${reg.host}/team/busybox`, HMAC: "" }]),
    });
    expect(JSON.parse(readFileSync(join(dstRoot, "image/overlay2/repositories.json"), "utf8"))).toEqual({
      Repositories: { [`${reg.host}/team/busybox`]: { [`${reg.host}/team/busybox:1`]: busyboxID, [`${reg.host}/team/busybox@${r.digest}`]: busyboxID } },
    });
    expect(dst.digestsOf(busyboxID)).toEqual([`${reg.host}/team/busybox@${r.digest}`]);
    expect(await dst.fsck()).toEqual([]);

    const up = lines();
    const second = await pull(dst, `${reg.host}/team/busybox:1`, { output: up.out });
    expect(second.upToDate).toBe(true);
    expect(up.text()).toBe(`1: Pulling from team/busybox\nDigest: ${r.digest}\nStatus: Image is up to date for ${reg.host}/team/busybox:1\n`);

    const byDigest = await pull(openStore(tempDir()), `${reg.host}/team/busybox@${r.digest}`);
    expect(byDigest.id).toBe(busyboxID);
  });

  it.skipIf(!haveSkopeo)("skopeo copy docker-archive → registry, then pull keeps the archive's image ID", async () => {
    const alpineID = await importTar(src, readFileSync(alpineTar), { ref: "tsbuild-test/alpine:1" });
    const archive = join(tempDir(), "alpine.tar");
    await saveTo(src, "tsbuild-test/alpine:1", archive);
    skopeo(["copy", "--quiet", "--dest-tls-verify=false", `docker-archive:${archive}`, `docker://${reg.host}/sk/alpine:1`]);
    const dst = openStore(tempDir());
    const got = await pull(dst, `${reg.host}/sk/alpine:1`);
    expect(got.id).toBe(alpineID);
    expect(await dst.fsck()).toEqual([]);
    // The same image as an OCI manifest (OCI config and layer media types).
    skopeo(["copy", "--quiet", "--format", "oci", "--dest-tls-verify=false", `docker-archive:${archive}`, `docker://${reg.host}/sk/alpine-oci:1`]);
    const raw = JSON.parse(skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${reg.host}/sk/alpine-oci:1`]));
    expect(raw.mediaType ?? raw.config.mediaType).toMatch(/oci/);
    // skopeo rewrites the config as OCI's, so the ID is that config's digest, as dockerd would get.
    const oci = await pull(dst, `${reg.host}/sk/alpine-oci:1`);
    expect(oci.id).toBe(raw.config.digest);
    expect((await dst.getImage(oci.id)!.config()).rootfs.diff_ids).toEqual((await src.getImage(alpineID)!.config()).rootfs.diff_ids);
    expect(await dst.fsck()).toEqual([]);
  });

  it.skipIf(!haveSkopeo)("push, then skopeo copy to docker-archive keeps the image ID", async () => {
    await push(src.getImage(busyboxID)!, `${reg.host}/ts/busybox:1`, { store: src });
    const out = join(tempDir(), "out.tar");
    skopeo(["copy", "--quiet", "--src-tls-verify=false", `docker://${reg.host}/ts/busybox:1`, `docker-archive:${out}:x/y:1`]);
    const inspect = JSON.parse(skopeo(["inspect", "--tls-verify=false", "--config", `docker://${reg.host}/ts/busybox:1`]));
    expect(inspect.rootfs.diff_ids).toEqual((await src.getImage(busyboxID)!.config()).rootfs.diff_ids);
    const dst = openStore(tempDir());
    const { loadArchive } = await import("@tsbuild/store");
    await loadArchive(dst, out);
    expect(dst.resolve("x/y:1")).toBe(busyboxID);
  });

  it("chunked upload gives the same manifest as a monolithic one", async () => {
    const mono = await push(src.getImage(busyboxID)!, `${reg.host}/chunk/a:1`);
    const chunked = await push(src.getImage(busyboxID)!, `${reg.host}/chunk/b:1`, { chunkBytes: 64 * 1024 });
    expect(chunked.digest).toBe(mono.digest);
    const got = await pull(openStore(tempDir()), `${reg.host}/chunk/b:1`);
    expect(got.id).toBe(busyboxID);
  });
});
