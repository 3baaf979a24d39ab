import type { Digest } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";
import { build } from "./build.js";
import { importBuiltin } from "./builtins.js";
import { BuildError, type BuildOptions, type BuildResult } from "./options.js";

/**
 * Where a FROM name the build's store lacks may come from (the disk store, a registry, the
 * conformance bases, the built-in images). `find` puts the image into `store` (the build's, holding
 * its lock: write through it, not through a store captured earlier) and returns its ID,
 * or undefined to let the next source try.
 */
export interface ImageSource {
  readonly name: string;
  find(ref: string, store: ImageStore): Promise<Digest | undefined>;
}

export interface FrontDoorOptions extends Omit<BuildOptions, "resolveMissingBase" | "builtins"> {
  /**
   * The chain FROM resolves through after the build's own store, in this order; the first source
   * that answers wins. Default: the built-in images only.
   */
  sources?: ImageSource[];
  /** Append the last lines a failing RUN wrote to stderr to the BuildError's message. */
  stderrTail?: boolean;
}

/** The built-in simulated images (busybox, alpine, debian, ubuntu) as a source. */
export const builtinSource: ImageSource = { name: "builtins", find: (ref, store) => importBuiltin(store, ref) };

/**
 * The one way every build of tsbuild runs (the CLI's `build`, its in-memory builds for `compare`
 * and `check`, the library's `build()`): FROM's source chain, the output and error writers, the
 * stderr tail of a failing RUN, and the builder's result with its records.
 */
export async function buildImage(opts: FrontDoorOptions): Promise<BuildResult> {
  const { sources = [builtinSource], stderrTail: wantTail, ...rest } = opts;
  // The end of the RUN's stderr since the step began: what a failed build's message quotes. Only
  // the end is kept, so a step that writes gigabytes to stderr cannot fill memory with them.
  let stepErr = "";
  let stepErrDropped = 0;
  const output = opts.output;
  const errorOutput = opts.errorOutput;
  const options: BuildOptions = {
    ...rest,
    resolveMissingBase: (ref, locked) => resolveThrough(sources, ref, locked),
    builtins: false,
  };
  if (wantTail) {
    options.output = (text) => {
      if (text.startsWith("Step ")) {
        stepErr = "";
        stepErrDropped = 0;
      }
      output?.(text);
    };
    options.errorOutput = (text) => {
      stepErr += text;
      if (stepErr.length > TAIL_KEEP_CHARS * 2) {
        const cut = stepErr.length - TAIL_KEEP_CHARS;
        stepErrDropped += linesIn(stepErr, cut);
        stepErr = stepErr.slice(cut);
      }
      // Without a writer of its own, stderr goes into the output in red, as the builder does.
      if (errorOutput) errorOutput(text);
      else output?.(`\x1b[91m${text}\x1b[0m`);
    };
  }
  try {
    return await build(options);
  } catch (e) {
    if (wantTail && e instanceof BuildError && /returned a non-zero code|^executor failed running/.test(e.message)) e.message += stderrTailOf(stepErr, stepErrDropped);
    throw e;
  }
}

async function resolveThrough(sources: ImageSource[], ref: string, store: ImageStore): Promise<Digest | undefined> {
  for (const source of sources) {
    const id = await source.find(ref, store);
    if (id !== undefined) return id;
  }
  return undefined;
}

const TAIL_KEEP_CHARS = 64 * 1024;

function linesIn(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** The last lines the failing RUN wrote to stderr, so a test failure shows why without the log. */
function stderrTailOf(text: string, droppedLines: number, lines = 20, chars = 4000): string {
  const all = text.replace(/\s+$/, "").split("\n");
  if (all.length === 1 && all[0] === "" && droppedLines === 0) return "";
  const tail = all.slice(-lines).join("\n").slice(-chars);
  const total = all.length + droppedLines;
  const cut = total > lines ? ` (last ${lines} of ${total} lines)` : "";
  return `\nstderr of the failing step${cut}:\n${tail.replace(/^/gm, "  ")}`;
}
