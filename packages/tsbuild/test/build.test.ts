import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { build, BuildError, ContextError, loadImage, memoryStore, type BuildFailure } from "../src/index.js";
import { bases, BUSYBOX } from "./helpers.js";

const APP = `FROM ${BUSYBOX}
ENV APP_HOME=/opt/app
COPY app.sh /usr/local/bin/app
RUN echo built > /srv/built.txt && rm /etc/motd && echo app:x:1000: >> /etc/group
WORKDIR /opt/app
`;

const files = { "app.sh": { content: "#!/bin/sh\necho hi\n", mode: 0o755 }, "motd": "unused" };

describe("build() in memory", () => {
  it("returns the image with its layers, history, config and steps", async () => {
    const image = await build({ context: { files }, dockerfile: APP, bases });

    expect(image.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(image.config.config.Env).toContain("APP_HOME=/opt/app");
    expect(image.config.config.WorkingDir).toBe("/opt/app");
    expect(image.layers.map((l) => l.index)).toEqual([0, 1, 2, 3]);
    expect(image.config.rootfs.diff_ids).toEqual(image.layers.map((l) => l.diffID));
    expect(image.history.length).toBe(5);
    expect(image.steps.map((s) => s.text)).toEqual(APP.trim().split("\n"));
    expect(image.output).toContain("Step 4/5 : RUN echo built > /srv/built.txt && rm /etc/motd && echo app:x:1000: >> /etc/group");
    expect(image.output).toContain(`Successfully built ${image.id.slice(7, 19)}`);
    expect(image.size).toBe(image.layers.reduce((n, l) => n + l.size, 0));
    expect(image.store.resolve(image.id)).toBe(image.id);
  });

  it("ties each layer to the instruction and line that made it", async () => {
    const image = await build({ context: { files }, dockerfile: APP, bases });
    const [base, copy, run, workdir] = image.layers;

    expect(base.instruction).toBeUndefined();
    expect(base.createdBy).toBe("");
    expect(copy.instruction).toEqual({ dockerfile: "Dockerfile", line: 3, endLine: 3, text: "COPY app.sh /usr/local/bin/app", stage: 0 });
    expect(copy.createdBy).toMatch(/^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \/usr\/local\/bin\/app $/);
    expect(run.instruction?.line).toBe(4);
    expect(run.createdBy).toBe("/bin/sh -c echo built > /srv/built.txt && rm /etc/motd && echo app:x:1000: >> /etc/group");
    expect(workdir.instruction?.text).toBe("WORKDIR /opt/app");
  });

  it("lists what each layer adds, changes and deletes, and its tar entries", async () => {
    const image = await build({ context: { files }, dockerfile: APP, bases });
    const [, copy, run, workdir] = image.layers;

    expect(copy.added).toEqual(["/usr/local/bin/app"]);
    // Parent directories are in the tar again, but unchanged: not "modified".
    expect(copy.modified).toEqual([]);
    expect(copy.entries.find((e) => e.path === "usr/local/bin/app")).toMatchObject({ type: "file", mode: "0755", size: 18 });
    expect(run.added).toEqual(["/srv/built.txt"]);
    expect(run.deleted).toEqual(["/etc/motd"]);
    expect(run.modified).toEqual(["/etc/group"]);
    expect(workdir.added).toEqual(["/opt", "/opt/app"]);
    expect(workdir.modified).toEqual([]);
  });

  it("finds paths of the final filesystem, following links in parent directories", async () => {
    const image = await build({
      context: { files },
      dockerfile: `FROM ${BUSYBOX}\nRUN mkdir -p /data/real && ln -s /data/real /link && echo x > /data/real/f\n`,
      bases,
    });
    expect(image.file("/link/f")).toMatchObject({ path: "/data/real/f", layer: 1, entry: { type: "file", size: 2 } });
    expect(image.file("/link")).toMatchObject({ path: "/link", entry: { type: "symlink", linkname: "/data/real" } });
    expect(image.file("/bin/sh")?.entry.type).toBe("symlink");
    expect(image.file("/etc/motd")).toBeDefined();
    expect(image.file("/nope")).toBeUndefined();
    expect(image.file("/bin/sh/x")).toBeUndefined();
  });

  it("counts layers from the top with a negative index and names the range when out of it", async () => {
    const image = await build({ context: { files }, dockerfile: APP, bases });
    expect(image.layer(-1)).toBe(image.layers[3]);
    expect(image.layer(0)).toBe(image.layers[0]);
    expect(() => image.layer(4)).toThrow("layer(4): the image has 4 layers (0..3, or -1..-4 from the top)");
    expect(() => image.layer(1.5)).toThrow(RangeError);
  });

  it("keeps the image reference off a layer's enumerable keys", async () => {
    const image = await build({ context: { files }, dockerfile: APP, bases });
    expect(Object.keys(image.layers[1])).not.toContain("image");
    expect(image.layers[1].image).toBe(image);
  });

  it("passes build args and a target to the builder", async () => {
    const dockerfile = `FROM ${BUSYBOX} AS first\nARG WHO=nobody\nRUN echo $WHO > /who\n\nFROM first AS second\nRUN echo second > /second\n`;
    const image = await build({ context: { files: {} }, dockerfile, bases, buildArgs: { WHO: "tests" }, target: "first" });
    expect(image.layers).toHaveLength(2);
    expect(image.layer(1).entries.find((e) => e.path === "who")?.size).toBe(6);
    expect(image.layer(1).createdBy).toBe("|1 WHO=tests /bin/sh -c echo $WHO > /who");
  });

  it("ties layers to the last stage's instructions in a multi-stage build", async () => {
    const dockerfile = `FROM ${BUSYBOX} AS builder\nRUN echo compiled > /app\n\nFROM ${BUSYBOX}\nCOPY --from=builder /app /app\n`;
    const image = await build({ context: { files: {} }, dockerfile, bases });
    expect(image.layers).toHaveLength(2);
    expect(image.layer(1).instruction).toMatchObject({ line: 5, text: "COPY --from=builder /app /app", stage: 1 });
  });

  it("attributes the base image's ONBUILD triggers to the FROM line", async () => {
    const store = memoryStore();
    await build({ context: { files: {} }, dockerfile: `FROM ${BUSYBOX}\nONBUILD RUN echo triggered > /t\n`, bases, store, tags: ["onbuild-base"] });
    const image = await build({ context: { files: {} }, dockerfile: "\nFROM onbuild-base\nRUN echo after > /a\n", store });
    expect(image.layers).toHaveLength(3);
    expect(image.layer(1).instruction).toEqual({ dockerfile: "Dockerfile", line: 2, endLine: 2, text: "RUN echo triggered > /t", stage: 0, trigger: true });
    expect(image.layer(2).instruction).toMatchObject({ line: 3, text: "RUN echo after > /a" });
    expect(image.explain.layers[1].label).toContain("Dockerfile:2");
  });

  it("reuses a store it is given: the second build is served from the cache", async () => {
    const store = memoryStore();
    const first = await build({ context: { files }, dockerfile: APP, bases, store });
    const second = await build({ context: { files }, dockerfile: APP, bases, store });
    expect(second.id).toBe(first.id);
    expect(second.steps.slice(1).every((s) => s.cached)).toBe(true);
    expect(second.output).toContain("---> Using cache");
    // Layers from the cache still know their instruction.
    expect(second.layer(2).instruction?.line).toBe(4);
  });

  it("gives a cached step this build's line, though the cache ignores lines", async () => {
    const store = memoryStore();
    await build({ context: { files }, dockerfile: APP, bases, store });
    const shifted = await build({ context: { files }, dockerfile: "# a comment moves every line down\n\n" + APP, bases, store });
    expect(shifted.steps.slice(1).every((s) => s.cached)).toBe(true);
    expect(shifted.layer(1).instruction).toMatchObject({ line: 5, text: "COPY app.sh /usr/local/bin/app" });
  });

  it("leaves the layers of a base image built earlier in the same store to the base", async () => {
    const store = memoryStore();
    await build({ context: { files }, dockerfile: APP, bases, store, tags: ["app-base"] });
    const child = await build({ context: { files: {} }, dockerfile: "FROM app-base\nRUN echo child > /child\n", store });
    expect(child.layers.map((l) => l.instruction?.line)).toEqual([undefined, undefined, undefined, undefined, 2]);
    expect(child.explain.baseLayers).toBe(4);
    // loadImage has no build to go by: it shows what each image's own build recorded.
    const loaded = await loadImage(store, child.id);
    expect(loaded.layers.map((l) => l.instruction?.line)).toEqual([undefined, 3, 4, 5, 2]);
  });

  it("tags the image when asked", async () => {
    const image = await build({ context: { files }, dockerfile: APP, bases, tags: ["demo/app"] });
    expect(image.tags).toEqual(["demo/app:latest"]);
    expect(image.store.resolve("demo/app")).toBe(image.id);
  });

  it("gives the same image ID on every run with sourceDateEpoch", async () => {
    const a = await build({ context: { files }, dockerfile: APP, bases, sourceDateEpoch: 1700000000 });
    const b = await build({ context: { files }, dockerfile: APP, bases, sourceDateEpoch: 1700000000 });
    expect(a.id).toBe(b.id);
  });

  it("takes the Dockerfile from the context by default, or by path", async () => {
    const ctx = { files: { ...files, Dockerfile: APP, "ci/Dockerfile.small": `FROM ${BUSYBOX}\nCOPY motd /motd\n` } };
    expect((await build({ context: ctx, bases })).layers).toHaveLength(4);
    const small = await build({ context: ctx, bases, dockerfile: "ci/Dockerfile.small", sourceDateEpoch: 0 });
    expect(small.layers).toHaveLength(2);
    expect(small.layer(1).instruction?.dockerfile).toBe("ci/Dockerfile.small");
    expect((await build({ context: ctx, bases, dockerfile: { path: "ci/Dockerfile.small" }, sourceDateEpoch: 0 })).id).toBe(small.id);
  });

  it("applies .dockerignore to an in-memory context", async () => {
    const image = await build({
      context: { files: { ".dockerignore": "*.log\nsecret/\n", "a.txt": "a", "b.log": "b", "secret/key": "k" } },
      dockerfile: `FROM ${BUSYBOX}\nCOPY . /ctx/\n`,
      bases,
    });
    // Largest first: .dockerignore (15 B), a.txt (1 B), then the directory.
    expect(image.layer(1).added).toEqual(["/ctx/.dockerignore", "/ctx/a.txt", "/ctx"]);
  });

  it("builds built-in images by name when no base is given", async () => {
    const image = await build({ context: { files: {} }, dockerfile: "FROM busybox:1.36\nRUN echo hi > /hi\n" });
    expect(image.layers).toHaveLength(2);
    expect(image.config.config.Cmd).toEqual(["sh"]);
    expect(image.store.resolve("busybox:1.36")).toBeDefined();
  });

  it("rejects a failing RUN with the builder's BuildError, its exit code, its stderr tail and the log", async () => {
    const failure = await build({ context: { files: {} }, dockerfile: `FROM ${BUSYBOX}\nRUN echo before && echo "it broke" >&2 && exit 3\n`, bases }).catch((e) => e);
    expect(failure).toBeInstanceOf(BuildError);
    expect(failure.exitCode).toBe(3);
    // The message quotes the step's stderr (it used to stop at the exit code, leaving the reason in `output`).
    expect(failure.message).toBe(`The command '/bin/sh -c echo before && echo "it broke" >&2 && exit 3' returned a non-zero code: 3\nstderr of the failing step:\n  it broke`);
    expect((failure as BuildFailure).output).toContain(`Step 2/2 : RUN echo before && echo "it broke" >&2 && exit 3\n`);
    expect((failure as BuildFailure).output).toContain("before\n");
  });

  it("rejects a missing base image with a message naming it", async () => {
    await expect(build({ context: { files: {} }, dockerfile: "FROM nosuch/image:1\n" })).rejects.toThrow(/pull access denied for nosuch\/image/);
  });

  it("rejects a context without a Dockerfile with Docker's message", async () => {
    await expect(build({ context: { files: { "a.txt": "a" } }, bases })).rejects.toThrow(ContextError);
    await expect(build({ context: { files: { "a.txt": "a" } }, bases })).rejects.toThrow("Cannot locate specified Dockerfile: Dockerfile");
  });

  it("rejects context paths outside the context", async () => {
    await expect(build({ context: { files: { "../x": "x" } }, dockerfile: `FROM ${BUSYBOX}\n`, bases })).rejects.toThrow(
      'context file path "../x" must be relative and inside the context',
    );
  });
});

describe("build() from a directory", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsbuild-lib-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "main.txt"), "main\n");
  writeFileSync(join(dir, "Dockerfile"), `FROM ${BUSYBOX}\nCOPY src /src\n`);

  it("sends the directory as the docker CLI does", async () => {
    const image = await build({ context: dir, bases });
    expect(image.layer(1).added).toEqual(["/src/main.txt", "/src"]);
  });

  it("gives the same COPY hash as the same files in memory (tarsum ignores mtimes)", async () => {
    const fromDir = await build({ context: dir, bases });
    const inMemory = await build({ context: { files: { "src/main.txt": "main\n", Dockerfile: `FROM ${BUSYBOX}\nCOPY src /src\n` } }, bases });
    expect(inMemory.layer(1).createdBy).toBe(fromDir.layer(1).createdBy);
    expect(inMemory.layer(1).createdBy).toMatch(/COPY dir:[0-9a-f]{64} in \/src $/);
  });

  it("takes Dockerfile text given beside a directory", async () => {
    const image = await build({ context: dir, dockerfile: `FROM ${BUSYBOX}\nCOPY src/main.txt /main.txt\n`, bases });
    expect(image.layer(1).added).toEqual(["/main.txt"]);
  });
});

describe("loadImage()", () => {
  it("describes an image of a store by reference, knowing the steps of builds made with that store", async () => {
    const built = await build({ context: { files }, dockerfile: APP, bases, tags: ["demo/load"] });
    const loaded = await loadImage(built.store, "demo/load");
    expect(loaded.id).toBe(built.id);
    expect(loaded.layers.map((l) => l.added)).toEqual(built.layers.map((l) => l.added));
    // The records of the builds made with a store are remembered with it.
    expect(loaded.layers[1].instruction).toEqual(built.layers[1].instruction);
    expect(loaded.steps).toEqual([]);
  });

  it("names a reference the store lacks", async () => {
    await expect(loadImage(memoryStore(), "nope:1")).rejects.toThrow("No such image: nope:1");
  });
});
