import { existsSync } from "node:fs";
import { join } from "node:path";
import { BuildContext } from "@tsbuild/context";
import type { BuildOptions, DockerfileSource } from "./types.js";

export interface PreparedContext {
  context: BuildContext;
  /** How messages name the Dockerfile. */
  dockerfileName: string;
}

/** The build context and Dockerfile the options describe, as the docker CLI would send them. */
export async function prepareContext(opts: BuildOptions): Promise<PreparedContext> {
  const { context } = opts;
  if (typeof context === "string") {
    const df = classify(opts.dockerfile, (p) => existsSync(join(context, p)));
    if ("text" in df) {
      const ctx = await BuildContext.fromDirectory(context, { dockerfile: "Dockerfile", dockerfileContent: df.text });
      return { context: ctx, dockerfileName: "Dockerfile" };
    }
    // Left unset, the CLI's rule applies: "Dockerfile", else "dockerfile".
    const ctx = await BuildContext.fromDirectory(context, opts.dockerfile === undefined ? {} : { dockerfile: df.path });
    return { context: ctx, dockerfileName: ctx.dockerfilePath };
  }
  if (!context || typeof context.files !== "object") {
    throw new TypeError("build: context must be a directory path or { files: { path: content } }");
  }
  const df = classify(opts.dockerfile, (p) => Object.hasOwn(context.files, p) || Object.hasOwn(context.files, "./" + p));
  const ctx = BuildContext.fromFiles(context.files, { dockerfile: df, mtime: opts.sourceDateEpoch ?? 0 });
  return { context: ctx, dockerfileName: "path" in df ? df.path : "Dockerfile" };
}

/**
 * A bare string is the Dockerfile's text when it has a line break, or when it names no file of
 * the context and has a blank in it ("FROM busybox"); otherwise it is a path, so a mistyped
 * name fails with Docker's "Cannot locate specified Dockerfile".
 */
export function classify(source: DockerfileSource | undefined, exists: (path: string) => boolean): { text: string } | { path: string } {
  if (source === undefined) return { path: "Dockerfile" };
  if (typeof source !== "string") return source;
  if (/[\r\n]/.test(source)) return { text: source };
  if (exists(source)) return { path: source };
  return /\s/.test(source.trim()) ? { text: source } : { path: source };
}
