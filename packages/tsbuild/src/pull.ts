import { builtinRefs } from "@tsbuild/baseimages";
import { BuildError, type ImageSource } from "@tsbuild/builder";
import type { Digest } from "@tsbuild/image";
import { pullingBaseResolver } from "@tsbuild/registry";
import type { ImageStore } from "@tsbuild/store";
import { builtinResolver } from "./bases.js";
import type { BuildOptions } from "./types.js";

/** build({ pull }): FROM names the store lacks come from their registry; offline, from the built-ins. */
export function pullingResolver(store: ImageStore, pull: NonNullable<BuildOptions["pull"]>, output: (s: string) => void): (ref: string, locked?: ImageStore) => Promise<Digest | undefined> {
  const o = typeof pull === "object" ? pull : {};
  return pullingBaseResolver({
    store, builtin: builtinResolver(store), builtinNames: builtinRefs, output,
    offline: o.offline, platform: o.platform, insecureRegistries: o.insecureRegistries,
    failure: (message) => new BuildError(message),
  });
}

/** pullingResolver as a source of the front door's FROM chain. */
export function pullingSource(store: ImageStore, pull: NonNullable<BuildOptions["pull"]>, output: (s: string) => void): ImageSource {
  return { name: "registry", find: pullingResolver(store, pull, output) };
}
