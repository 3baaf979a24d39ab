import { describe, expect, it } from "vitest";
import { BuildContext } from "@tsbuild/context";
import { RootFS } from "@tsbuild/fs-snapshot";
import { memoryStore } from "@tsbuild/store";
import { parseDockerfile } from "@tsbuild/parser";
import { BuildRun } from "../src/builder.js";
import { copyConfig, newStageState } from "../src/state.js";
import { expand } from "../src/words.js";
import { laterStageRefs } from "../src/stage-release.js";
import { contextDir } from "./helpers.js";

// Issue #17: 4,000 ENV lines took 31 s (every word rebuilt a map of the whole Env), and 1,000
// stages kept every stage's filesystem alive to the end of the build.

async function runFor(dockerfile: string) {
  const store = memoryStore();
  const context = await BuildContext.fromDirectory(contextDir({ Dockerfile: dockerfile }));
  const df = parseDockerfile(dockerfile, { frontend: "classic" });
  return new BuildRun({ store, context }, df, df.stages, df.all.length);
}

describe("ENV at scale", () => {
  it("lexes a word without $ without reading the stage's Env", async () => {
    const run = await runFor("FROM scratch\n");
    const state = newStageState(0, undefined, "");
    const entries = Array.from({ length: 1000 }, (_, i) => `k${i}=v${i}`);
    let reads = 0;
    state.runConfig.Env = new Proxy(entries, {
      get(target, p, recv) {
        if (typeof p === "string" && /^\d+$/.test(p)) reads++;
        return Reflect.get(target, p, recv);
      },
    });
    expect(expand(run, state, "k1001=v1001")).toBe("k1001=v1001");
    expect(reads).toBe(0);
    expect(expand(run, state, "$k7")).toBe("v7");
    expect(reads).toBeGreaterThan(0);
  });

  it("copies a config deeply, keeping every field", () => {
    const c = newStageState(0, undefined, "").runConfig;
    c.Env = ["A=1"];
    c.Labels = { a: "b" };
    c.ExposedPorts = { "80/tcp": {} };
    c.Healthcheck = { Test: ["CMD", "x"], Interval: 5 };
    const d = copyConfig(c);
    expect(d).toEqual(c);
    expect(Object.keys(d)).toEqual(Object.keys(c));
    d.Env!.push("B=2");
    d.Labels!.a = "c";
    d.Healthcheck!.Test!.push("y");
    expect(c.Env).toEqual(["A=1"]);
    expect(c.Labels).toEqual({ a: "b" });
    expect(c.Healthcheck.Test).toEqual(["CMD", "x"]);
  });
});

describe("finished stages", () => {
  const df = "FROM scratch AS a\nFROM scratch AS b\nFROM scratch AS c\nCOPY --from=A /x /x\nFROM b\n";

  it("are named by later FROM, COPY --from and --mount from=, or any when a variable is used", () => {
    const plan = parseDockerfile(df, { frontend: "classic" }).stages;
    expect(laterStageRefs(plan, 0)).toEqual(new Set(["scratch", "a", "b"]));
    expect(laterStageRefs(plan, 2)).toEqual(new Set(["b"]));
    const withVar = parseDockerfile("FROM scratch AS a\nFROM scratch\nCOPY --from=$X /x /x\n", { frontend: "classic" }).stages;
    expect(laterStageRefs(withVar, 0)).toBe("any");
    const mount = parseDockerfile("FROM scratch AS a\nFROM scratch\nRUN --mount=type=bind,from=a,target=/m true\n", { frontend: "buildkit" }).stages;
    expect(laterStageRefs(mount, 0)).toEqual(new Set(["scratch", "a"]));
  });

  it("release their filesystems once no later step can name them", async () => {
    const run = await runFor(df);
    const states = [0, 1, 2, 3].map((i) => {
      const s = newStageState(i, ["a", "b", "c", undefined][i], "");
      s.sandbox = { fs: new RootFS(), diffIDs: [] };
      run.stages.set(i, s);
      return s;
    });
    run.releaseFinishedStages(2);
    expect(states.map((s) => s.sandbox !== undefined)).toEqual([false, true, false, true]);
    run.releaseFinishedStages(3);
    expect(states.map((s) => s.sandbox !== undefined)).toEqual([false, false, false, false]);
  });
});
