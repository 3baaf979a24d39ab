import { describe, expect, it } from "vitest";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { layerEntries } from "@tsbuild/fs-snapshot";
import { buildDir, busyboxStore, collect, contextDir } from "./helpers.js";

async function entries(store: Awaited<ReturnType<typeof busyboxStore>>, id: string) {
  const layers = await store.getImage(id)!.layers();
  return Promise.all(layers.slice(1).map(async (l) => layerEntries(await collect(await l.open()))));
}

describe("BuildKit mode", () => {
  it("writes one image without parent, BuildKit's history, and keeps --mount content out of the layers", async () => {
    const store = await busyboxStore();
    const dir = contextDir({
      Dockerfile: "FROM busybox:test AS unused\nRUN echo never > /never\nFROM busybox:test\nCOPY --chmod=750 a.sh /a.sh\nRUN --mount=type=cache,target=/root/.cache echo big > /root/.cache/blob && echo kept > /kept\nCMD [\"sh\"]\n",
      "a.sh": "#!/bin/sh\n",
    });
    const lines: string[] = [];
    const r = await buildDir(store, dir, { buildkit: true, output: (s) => lines.push(s) });
    expect(store.listImages().filter((id) => id !== store.resolve("busybox:test"))).toEqual([r.imageId]);
    expect(store.parentOf(r.imageId)).toBeUndefined();
    const cfg = await store.getImage(r.imageId)!.config();
    expect(cfg.history!.slice(1).map((h) => h.created_by)).toEqual(["COPY a.sh /a.sh # buildkit", "RUN /bin/sh -c echo big > /root/.cache/blob && echo kept > /kept # buildkit", 'CMD ["sh"]']);
    expect(cfg.container_config).toBeUndefined();
    const [copy, run] = await entries(store, r.imageId);
    expect(copy.find((e) => e.path === "a.sh")?.mode).toBe("0750");
    expect(run.map((e) => e.path)).toContain("kept");
    expect(run.map((e) => e.path)).not.toContain("root/.cache/blob");
    // The unused stage never ran.
    expect(lines.join("")).not.toContain("echo never");
    rmSync(dir, { recursive: true, force: true });
  });

  it("keys COPY on content and --chmod: an added --chmod misses, an untouched file's mtime does not", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nCOPY a.sh /x\n", "a.sh": "#!/bin/sh\n" });
    await buildDir(store, dir, { buildkit: true });
    writeFileSync(join(dir, "a.sh"), "#!/bin/sh\n"); // same bytes, new mtime
    const same = await buildDir(store, dir, { buildkit: true });
    expect(same.steps.map((s) => s.cached)).toEqual([false, true]);
    writeFileSync(join(dir, "Dockerfile"), "FROM busybox:test\nCOPY --chmod=755 a.sh /x\n");
    const chmod = await buildDir(store, dir, { buildkit: true });
    expect(chmod.steps.map((s) => s.cached)).toEqual([false, false]);
    const [layer] = await entries(store, chmod.imageId);
    expect(layer.find((e) => e.path === "x")?.mode).toBe("0755");
    rmSync(dir, { recursive: true, force: true });
  });

  it("RUN --mount=type=secret: the command reads the secret, the layer keeps only the parents the mount made (Docker 20.10 BuildKit)", async () => {
    const store = await busyboxStore();
    const dir = contextDir({
      Dockerfile:
        "FROM busybox:test\nRUN --mount=type=secret,id=tok cat /run/secrets/tok > /copy && ls -ln /run/secrets/tok > /ls\n" +
        "RUN --mount=type=secret,id=tok,target=/etc/tok,mode=0440,uid=5 ls -ln /etc/tok > /ls2\nRUN --mount=type=secret,id=absent ls /run/secrets > /ls3\n",
      "tok.txt": "s3cret\n",
    });
    const r = await buildDir(store, dir, { buildkit: true, secrets: [{ id: "tok", src: join(dir, "tok.txt") }] });
    const [first, second, third] = await entries(store, r.imageId);
    // Recorded from dockerd's BuildKit: copy, the runc mountpoints, run/ and run/secrets/; never the secret itself.
    expect(first!.map((e) => e.path)).toEqual(["copy", "dev", "etc", "ls", "proc", "run", "run/secrets", "sys"]);
    expect(first!.find((e) => e.path === "copy")!.size).toBe(7);
    expect(second!.map((e) => e.path)).toEqual(["etc", "ls2"]);
    // An absent secret that is not required is not mounted at all.
    expect(third!.map((e) => e.path)).not.toContain("run/secrets/absent");
    const image = await store.getImage(r.imageId)!.layers();
    const text = (await collect(await image[1]!.open())).toString("latin1");
    // The bytes are in the layer once: in /copy, where the command put them.
    expect(text.split("s3cret").length).toBe(2);
    expect(text).toMatch(/-r-------- +1 0 +0 +7 .* \/run\/secrets\/tok/);
    const text2 = (await collect(await image[2]!.open())).toString("latin1");
    expect(text2).toMatch(/-r--r----- +1 5 +0 +7 .* \/etc\/tok/);

    const required = contextDir({ Dockerfile: "FROM busybox:test\nRUN --mount=type=secret,id=nope,required=true true\n" });
    const err = await buildDir(store, required, { buildkit: true }).catch((e) => e);
    expect(err.message).toMatch(/^secret nope not found: not found/);
    rmSync(dir, { recursive: true, force: true });
    rmSync(required, { recursive: true, force: true });
  });
});
