import { describe, expect, it } from "vitest";
import { BuildContext } from "@tsbuild/context";
import { RootFS } from "@tsbuild/fs-snapshot";
import { memoryStore } from "@tsbuild/store";
import { emptyContainerConfig, serializeConfig, type ContainerConfig, type ImageConfigFile } from "@tsbuild/image";
import { parseDockerfile, type Instruction, type InstructionOf } from "@tsbuild/parser";
import { BuildRun } from "../src/builder.js";
import { newStageState, type StageState } from "../src/state.js";
import { dispatched, plan } from "../src/dispatch/table.js";
import { ImageCache } from "../src/image-cache.js";
import { Clock } from "../src/clock.js";
import type { FileStep, MetadataStep } from "../src/step.js";
import { contextDir } from "./helpers.js";

// Dispatchers unit-tested as moby tests its dispatchers against a mock backend: each returns what
// its step needs (the history text, or the probe config, sources and change), and the change is
// applied to an in-memory filesystem; no cache, no commit, no store write happens here.

async function setup(dockerfile: string, files: Record<string, string> = {}, buildkit = false) {
  const store = memoryStore();
  const context = await BuildContext.fromDirectory(contextDir({ Dockerfile: dockerfile, ...files }));
  const df = parseDockerfile(dockerfile, { frontend: buildkit ? "buildkit" : "classic" });
  const run = new BuildRun({ store, context, buildkit }, df, df.stages, df.all.length);
  const state = newStageState(0, undefined, "");
  state.args.set("V", "1");
  return { run, state, ins: df.stages[0].instructions };
}

const planOf = (run: BuildRun, state: StageState, ins: Instruction) => {
  if (!dispatched(ins.kind)) throw new Error(`${ins.kind} has no dispatcher`);
  return plan(run, state, ins as InstructionOf<typeof ins.kind>);
};

describe("dispatchers", () => {
  it("have one for every instruction but FROM", () => {
    const kinds = ["RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"];
    expect(kinds.filter((k) => !dispatched(k))).toEqual([]);
    expect(dispatched("FROM")).toBe(false);
  });

  it("metadata instructions change the config and return the history text, words substituted once", async () => {
    const { run, state, ins } = await setup('FROM scratch\nENV A=$V B="x y"\nLABEL k=$A\nEXPOSE 80/udp 8$V\nUSER u$V\n');
    const texts: string[] = [];
    for (const i of ins) texts.push(((await planOf(run, state, i)) as MetadataStep).metadata);
    expect(texts).toEqual(["ENV A=1 B=x y", "LABEL k=1", "EXPOSE 80/udp 81", "USER u1"]);
    expect(state.runConfig.Env).toContain("A=1");
    expect(state.runConfig.Labels).toEqual({ k: "1" });
    expect(Object.keys(state.runConfig.ExposedPorts ?? {})).toEqual(["80/udp", "81/tcp"]);
    expect(state.runConfig.User).toBe("u1");
  });

  it("WORKDIR returns its probe and a change that makes the directory", async () => {
    const { run, state, ins } = await setup("FROM scratch\nWORKDIR /a/$V\n");
    const step = (await planOf(run, state, ins[0])) as FileStep;
    expect(step.probe.Cmd).toEqual(["/bin/sh", "-c", "#(nop) WORKDIR /a/1"]);
    expect(step.container).toBe("commit");
    const fs = new RootFS();
    fs.beginStep();
    await step.change(fs, "");
    expect(fs.stat("/a/1").type).toBe("dir");
  });

  it("COPY returns the sources' hash in its probe, the context files for the record, and copies in its change", async () => {
    const { run, state, ins } = await setup("FROM scratch\nCOPY --chown=7:$V a.txt /d/\n", { "a.txt": "hello" });
    const step = (await planOf(run, state, ins[0])) as FileStep;
    expect(step.probe.Cmd?.[2]).toMatch(/^#\(nop\) COPY --chown=7:1file:[0-9a-f]{64} in \/d\/ $/);
    expect(Object.keys(step.sources ?? {})).toEqual(["a.txt"]);
    expect(step.container).toBe("none");
    const fs = new RootFS();
    fs.beginStep();
    await step.change(fs, "");
    expect(fs.readFile("/d/a.txt").toString()).toBe("hello");
    expect(fs.stat("/d/a.txt")).toMatchObject({ uid: 7, gid: 1 });
  });

  it("RUN puts the build args it sees before the command, and the classic builder refuses --mount at its step", async () => {
    const { run, state, ins } = await setup("FROM scratch\nRUN echo $V\nRUN --mount=type=cache,target=/c true\n");
    const step = (await planOf(run, state, ins[0])) as FileStep;
    expect(step.probe.Cmd).toEqual(["|1", "V=1", "/bin/sh", "-c", "echo $V"]);
    expect(step.container).toBe("run");
    await expect(planOf(run, state, ins[1])).rejects.toThrow("the --mount option requires BuildKit");
  });
});

describe("ImageCache", () => {
  const probe = (cmd: string): ContainerConfig => ({ ...emptyContainerConfig(), Cmd: ["/bin/sh", "-c", cmd] });
  const image = (cmd: string, created: string): Buffer => {
    const config: ImageConfigFile = {
      architecture: "amd64",
      os: "linux",
      config: emptyContainerConfig(),
      container_config: probe(cmd),
      created,
      rootfs: { type: "layers", diff_ids: [] },
    } as ImageConfigFile;
    return serializeConfig(config);
  };

  it("answers the newest child whose config matches, or the nearest earlier build of the step and why", async () => {
    const store = memoryStore();
    const old = await store.putImage(image("#(nop) CMD a", "2024-01-01T00:00:00Z"));
    const newer = await store.putImage(image("#(nop) CMD a", "2024-01-02T00:00:00Z"));
    for (const id of [old, newer]) await store.putBuildRecord(id, { dockerfile: "Dockerfile", line: 2, endLine: 2, text: "CMD a", kind: "CMD", stage: 0 });
    const cache = new ImageCache(store, new Clock());
    const step = { kind: "CMD", text: "CMD a", dockerfile: "Dockerfile", line: 2 };
    const hit = await cache.find(undefined, probe("#(nop) CMD a"), step);
    expect(hit.hit).toBe(newer);
    expect(hit.hit).not.toBe(old);
    const miss = await cache.find(undefined, probe("#(nop) CMD b"), step);
    expect(miss.hit).toBeUndefined();
    expect([old, newer]).toContain("candidate" in miss ? miss.candidate : undefined);
    expect("differences" in miss && miss.differences[0]).toMatch(/instruction differs/);
  });
});
