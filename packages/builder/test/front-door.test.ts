import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { BuildContext } from "@tsbuild/context";
import type { Digest } from "@tsbuild/image";
import { importTar, memoryStore, type ImageStore } from "@tsbuild/store";
import { BuildError, buildImage, builtinSource, type ImageSource } from "@tsbuild/builder";
import { BUSYBOX_TAR, busyboxStore } from "./helpers.js";

/** A source that records every name it is asked for, answering only `answers`. */
function recording(name: string, asked: string[], answers: (ref: string, store: ImageStore) => Promise<Digest | undefined>): ImageSource {
  return {
    name,
    find: (ref, store) => {
      asked.push(`${name}:${ref}`);
      return answers(ref, store);
    },
  };
}

const context = (dockerfile: string) => BuildContext.fromFiles({ Dockerfile: dockerfile });
const importBusybox = (ref: string) => async (r: string, store: ImageStore) =>
  r === ref ? importTar(store, readFileSync(BUSYBOX_TAR), { ref, created: new Date("2024-01-01T00:00:00Z") }) : undefined;

describe("buildImage: the one front door", () => {
  test("FROM resolves through the sources in the order given; the first answer wins", async () => {
    const asked: string[] = [];
    const sources = [
      recording("first", asked, async () => undefined),
      recording("second", asked, importBusybox("mine:1")),
      recording("third", asked, importBusybox("mine:1")),
    ];
    const result = await buildImage({ store: memoryStore(), context: context("FROM mine:1\nRUN echo hi > /x\n"), sources });
    expect(asked).toEqual(["first:mine:1", "second:mine:1"]);
    expect(result.steps.map((s) => s.text)).toEqual(["FROM mine:1", "RUN echo hi > /x"]);
    expect(result.records.get(result.imageId)).toMatchObject({ line: 2 });
  });

  test("the build's store comes before every source", async () => {
    const asked: string[] = [];
    const store = await busyboxStore();
    await buildImage({ store, context: context("FROM busybox:test\n"), sources: [recording("only", asked, async () => undefined)] });
    expect(asked).toEqual([]);
  });

  test("a name no source answers fails as Docker's missing image does, after asking each once", async () => {
    const asked: string[] = [];
    const sources = [recording("a", asked, async () => undefined), recording("b", asked, async () => undefined)];
    await expect(buildImage({ store: memoryStore(), context: context("FROM nowhere:1\n"), sources })).rejects.toBeInstanceOf(BuildError);
    expect(asked).toEqual(["a:nowhere:1", "b:nowhere:1"]);
  });

  test("no sources: the built-in images; an empty chain: none", async () => {
    const ok = await buildImage({ store: memoryStore(), context: context("FROM busybox\n") });
    expect(ok.imageId).toMatch(/^sha256:/);
    const viaSource = await buildImage({ store: memoryStore(), context: context("FROM busybox\n"), sources: [builtinSource] });
    expect(viaSource.imageId).toBe(ok.imageId);
    await expect(buildImage({ store: memoryStore(), context: context("FROM busybox\n"), sources: [] })).rejects.toBeInstanceOf(BuildError);
  });

  test("stderrTail quotes the failing RUN's stderr; without it the message is the builder's own", async () => {
    const df = "FROM busybox:test\nRUN echo early >&2\nRUN echo boom >&2 && exit 3\n";
    const err = (await buildImage({ store: await busyboxStore(), context: context(df), stderrTail: true, errorOutput: () => {} }).catch((e) => e)) as BuildError;
    expect(err).toBeInstanceOf(BuildError);
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/returned a non-zero code: 3\nstderr of the failing step:\n {2}boom$/);
    const plain = (await buildImage({ store: await busyboxStore(), context: context(df) }).catch((e) => e)) as BuildError;
    expect(plain.message).not.toContain("stderr of the failing step");
    expect(err.message.startsWith(plain.message)).toBe(true);
  });

  test("a failing RUN's long stderr is quoted by its last lines and counted whole, without keeping all of it", async () => {
    const df = "FROM busybox:test\nRUN seq 1 100000 >&2 && exit 1\n";
    const err = (await buildImage({ store: await busyboxStore(), context: context(df), stderrTail: true, errorOutput: () => {} }).catch((e) => e)) as BuildError;
    expect(err).toBeInstanceOf(BuildError);
    expect(err.message).toContain("stderr of the failing step (last 20 of 100000 lines):\n  99981\n");
    expect(err.message).toMatch(/ {2}100000$/);
  });

  test("without an error writer, RUN's stderr still reaches the output in red when the tail is kept", async () => {
    let out = "";
    await buildImage({ store: await busyboxStore(), context: context("FROM busybox:test\nRUN echo warn >&2\n"), stderrTail: true, output: (s) => (out += s) });
    expect(out).toContain("\x1b[91mwarn\n\x1b[0m");
  });
});
