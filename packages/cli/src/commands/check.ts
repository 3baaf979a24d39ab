import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { analyzeImage, checkImage, DIVE_DEFAULT_RULES, loadRules, renderCheck, type CheckRules } from "@tsbuild/explain";
import { loadImage } from "../stored-image.js";
import { memoryStore } from "@tsbuild/store";
import { rootOption, UsageError, type Command, type Io } from "../command.js";
import { storeFor } from "../store-root.js";
import { buildArgsFrom, buildInMemory } from "./in-memory-build.js";

const USAGE = "check [OPTIONS] IMAGE | --dockerfile FILE [CONTEXT]";

export const checkCommand: Command = {
  name: "check",
  summary: "Check an image (or a Dockerfile's) against size and waste rules, for CI",
  usage: USAGE,
  options: {
    ...rootOption,
    dockerfile: { type: "string" },
    config: { type: "string" },
    json: { type: "boolean" },
    "build-arg": { type: "string", multiple: true },
    target: { type: "string" },
  },
  /** Exit 0: every rule passes; 1: a rule is broken; 2: the build, the image or the input failed. */
  async run(args) {
    try {
      return await checkRun(args);
    } catch (e) {
      args.io.stderr(`Error: ${(e as Error).message}\n`);
      return 2;
    }
  },
};

async function checkRun({ values, positionals, io }: Parameters<Command["run"]>[0]): Promise<number> {
  const dockerfile = values.dockerfile as string | undefined;
  if (dockerfile ? positionals.length > 1 : positionals.length !== 1) {
    throw new UsageError(
      `"tsbuild check" requires ${dockerfile ? "at most 1 argument (the context) with --dockerfile" : "exactly 1 argument"}.\nSee 'tsbuild check --help'.\n\nUsage:  tsbuild ${USAGE}`,
    );
  }
  const { rules, source } = rulesFor(values, io);
  let analysis;
  let subject: string;
  if (dockerfile) {
    const store = memoryStore();
    const built = await buildInMemory(
      store,
      {
        dockerfile,
        context: positionals[0] ?? dirname(dockerfile),
        buildArgs: buildArgsFrom(values["build-arg"] as string[] | undefined, io),
        target: values.target as string | undefined,
      },
      values,
      io,
    );
    analysis = await analyzeImage(await loadImage(store, built.imageId, { recordFor: built.recordFor }));
    subject = dockerfile;
  } else {
    analysis = await analyzeImage(await loadImage(storeFor(values, io), positionals[0]));
    subject = positionals[0];
  }
  const result = checkImage(analysis, rules);
  if (values.json) {
    // Numbers as numbers; the words a person reads beside them.
    const results = result.results.map(({ value, threshold, actual, limit, ...r }) => ({ ...r, actual: value, limit: threshold, actualText: actual, limitText: limit }));
    io.stdout(JSON.stringify({ image: subject, imageId: analysis.imageId, rules, rulesFrom: source, pass: result.pass, results }, null, 2) + "\n");
  } else {
    io.stdout(`Checking ${subject} (rules from ${source})\n`);
    io.stdout(renderCheck(result));
  }
  return result.pass ? 0 : 1;
}

/** --config FILE, else ./.dive-ci as dive reads it, else dive's default rules. */
function rulesFor(values: Record<string, unknown>, io: Io): { rules: CheckRules; source: string } {
  const given = values.config as string | undefined;
  if (given) return { rules: loadRules(resolve(io.cwd, given)), source: given };
  const diveCi = join(io.cwd, ".dive-ci");
  if (existsSync(diveCi)) return { rules: loadRules(diveCi), source: ".dive-ci" };
  return { rules: DIVE_DEFAULT_RULES, source: "dive's defaults: lowestEfficiency 0.9, highestUserWastedPercent 0.1" };
}
