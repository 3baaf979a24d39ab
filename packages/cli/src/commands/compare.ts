import { dirname } from "node:path";
import { analyzeImage, diffImages, renderDiff } from "@tsbuild/explain";
import { loadImage } from "../stored-image.js";
import { memoryStore } from "@tsbuild/store";
import { rootOption, UsageError, type Command } from "../command.js";
import { buildArgsFrom, buildInMemory } from "./in-memory-build.js";
import { terminalWidth } from "./terminal.js";

export const compareCommand: Command = {
  name: "compare",
  summary: "Build two Dockerfiles in memory and explain how their images differ",
  usage: "compare [OPTIONS] DOCKERFILE_A DOCKERFILE_B [CONTEXT]",
  options: {
    ...rootOption,
    json: { type: "boolean" },
    "build-arg": { type: "string", multiple: true },
    target: { type: "string" },
  },
  async run({ values, positionals, io }) {
    if (positionals.length < 2 || positionals.length > 3) {
      throw new UsageError(
        `"tsbuild compare" requires 2 or 3 arguments.\nSee 'tsbuild compare --help'.\n\nUsage:  tsbuild compare [OPTIONS] DOCKERFILE_A DOCKERFILE_B [CONTEXT]`,
      );
    }
    const [fileA, fileB, context] = positionals;
    // One store for both builds: steps they have in common are cached and share their layers.
    const store = memoryStore();
    const buildArgs = buildArgsFrom(values["build-arg"] as string[] | undefined, io);
    const target = values.target as string | undefined;
    const analyses = [];
    for (const file of [fileA, fileB]) {
      // Without CONTEXT each Dockerfile builds in its own directory.
      const built = await buildInMemory(store, { dockerfile: file, context: context ?? dirname(file), buildArgs, target }, values, io);
      analyses.push(await analyzeImage(await loadImage(store, built.imageId, { recordFor: built.recordFor })));
    }
    const [a, b] = analyses;
    const d = diffImages(a, b);
    if (values.json) io.stdout(JSON.stringify({ a, b, diff: d }, null, 2) + "\n");
    else io.stdout(renderDiff(d, { nameA: fileA, nameB: fileB, width: terminalWidth(io) }));
    return 0;
  },
};
