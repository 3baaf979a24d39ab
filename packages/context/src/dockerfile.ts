import { compilePatterns, matchesSingleParent, readDockerignoreLines } from "./dockerignore.js";
import { ContextError } from "./errors.js";
import type { ContextTree } from "./tree.js";

export const DEFAULT_DOCKERFILE = "Dockerfile";

/**
 * The daemon's side of finding the Dockerfile (moby builder/remotecontext/detect.go
 * withDockerfileFromContext): the name is looked up in the context, "Dockerfile" falls back
 * to "dockerfile", an empty file is refused. Then the Dockerfile and .dockerignore are removed
 * from the context if .dockerignore matches them. Returns the name found and its content.
 */
export function takeDockerfile(tree: ContextTree, name: string): { name: string; content: Buffer } {
  const r = tree.resolve(name);
  if (!r.ok) throw new ContextError(`forbidden path outside the build context: ${name} ()`);
  const node = r.rel === "" ? tree.root : tree.get(r.rel);
  if (!node) {
    if (name === DEFAULT_DOCKERFILE) {
      const lower = name.toLowerCase();
      const alt = tree.resolve(lower);
      if (alt.ok && tree.get(alt.rel)) return takeDockerfile(tree, lower);
    }
    throw new ContextError(`Cannot locate specified Dockerfile: ${name}`);
  }
  if (node.type === "dir") throw new ContextError(`unexpected error reading Dockerfile: read ${name}: is a directory`);
  const content = node.data();
  if (content.length === 0) throw new ContextError(`the Dockerfile (${name}) cannot be empty`);
  removeIgnoredBuildFiles(tree, name);
  return { name, content };
}

function removeIgnoredBuildFiles(tree: ContextTree, dockerfile: string): void {
  const r = tree.resolve(".dockerignore");
  const ignoreFile = r.ok ? tree.get(r.rel) : undefined;
  if (!ignoreFile || ignoreFile.type === "dir") return;
  let patterns;
  try {
    patterns = compilePatterns(readDockerignoreLines(ignoreFile.data()));
  } catch {
    // The daemon ignores matcher errors here: nothing is removed.
    return;
  }
  for (const file of [".dockerignore", dockerfile]) {
    if (matchesSingleParent(file, patterns)) tree.remove(file);
  }
}
