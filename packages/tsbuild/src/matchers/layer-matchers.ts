import type { BuiltLayer } from "../types.js";
import { absolutePath, imageName, layerName, pathHistory, withTable } from "./words.js";
import { expectLayer, type MatcherContext, type MatcherResult } from "./received.js";

/** `expect(image.layer(2)).toAdd("/usr/local/bin/app")`: the layer creates the path (it was not visible below). */
export function toAdd(this: MatcherContext, received: unknown, path: string): MatcherResult {
  const layer = expectLayer("toAdd", received);
  return changeMatcher(layer, path, "add", (l, p) => l.added.includes(p));
}

/** `expect(image.layer(3)).toDelete("/var/cache/apk")`: the layer removes the path (a whiteout, or an opaque directory). */
export function toDelete(this: MatcherContext, received: unknown, path: string): MatcherResult {
  const layer = expectLayer("toDelete", received);
  return changeMatcher(layer, path, "delete", (l, p) => l.deleted.includes(p));
}

function changeMatcher(layer: BuiltLayer, path: string, verb: "add" | "delete", test: (l: BuiltLayer, p: string) => boolean): MatcherResult {
  if (typeof path !== "string" || path === "") throw new TypeError(`to${verb === "add" ? "Add" : "Delete"}: expected a path, got ${JSON.stringify(path)}`);
  const image = layer.image;
  const wanted = absolutePath(path);
  // Layers hold real paths: "/bin/app" is "/usr/bin/app" when /bin is a link to usr/bin.
  const resolved = image.file(wanted)?.path;
  const candidates = resolved && resolved !== wanted ? [wanted, resolved] : [wanted];
  const hit = candidates.find((p) => test(layer, p));
  const pass = hit !== undefined;
  const subject = `expected ${layerName(layer)} of image ${imageName(image)}`;
  return {
    pass,
    message: () => {
      if (pass) return withTable(`${subject} not to ${verb} ${wanted}, but it does${hit !== wanted ? ` (as ${hit})` : ""}`, image, [layer.index]);
      const story = pathHistory(image, candidates[candidates.length - 1]);
      const what = story.length ? `: ${story.join(", ")}` : ": no layer has it";
      return withTable(`${subject} to ${verb} ${wanted}, it does not${what}:`, image, [layer.index]);
    },
  };
}
