import { builtinRefs } from "@tsbuild/baseimages";
import { importBuiltin, BuildError, type ImageSource } from "@tsbuild/builder";
import type { Digest } from "@tsbuild/image";
import { parseDockerfile, ShellLex } from "@tsbuild/parser";
import { OfflineError, offlineFromEnv, pull, pullingBaseResolver, RegistryError } from "@tsbuild/registry";
import type { ImageStore } from "@tsbuild/store";
import type { Io } from "./command.js";

export interface RegistryBuildOptions {
  store: ImageStore;
  io: Io;
  output: (s: string) => void;
  offline: boolean;
  platform?: string;
}

/** FROM names the store lacks: pulled (or, offline, the built-ins); failures are build errors naming what to do. */
export function cliBaseResolver(o: RegistryBuildOptions): (ref: string, locked?: ImageStore) => Promise<Digest | undefined> {
  return pullingBaseResolver({
    store: o.store,
    builtin: (ref, store) => importBuiltin(store, ref),
    builtinNames: builtinRefs,
    output: o.output,
    offline: o.offline || offlineFromEnv(o.io.env),
    platform: o.platform,
    env: o.io.env,
    failure: (message) => new BuildError(message),
  });
}

/** The CLI's source for FROM names the store lacks: its registry, falling back to the built-ins offline. */
export function registrySource(o: RegistryBuildOptions): ImageSource {
  return { name: "registry", find: cliBaseResolver(o) };
}

/**
 * `build --pull`: every FROM image (not a stage, not scratch) is pulled before the build, so a
 * newer image under the same tag is used, as dockerd's PullParent does.
 */
export async function pullBaseImages(dockerfileText: string, buildArgs: Record<string, string>, o: RegistryBuildOptions): Promise<void> {
  if (o.offline || offlineFromEnv(o.io.env)) return;
  const df = parseDockerfile(dockerfileText);
  const env = new Map<string, string>();
  for (const ins of df.metaArgs) {
    for (const a of ins.args) {
      const i = a.indexOf("=");
      const key = i >= 0 ? a.slice(0, i) : a;
      const value = buildArgs[key] ?? (i >= 0 ? a.slice(i + 1) : undefined);
      if (value !== undefined) env.set(key, value);
    }
  }
  const lex = new ShellLex(df.escapeChar);
  const stageNames = new Set<string>();
  const seen = new Set<string>();
  for (const stage of df.stages) {
    const ref = lex.processWord(stage.baseName, env);
    const skip = ref.toLowerCase() === "scratch" || stageNames.has(ref.toLowerCase()) || seen.has(ref);
    if (stage.name) stageNames.add(stage.name);
    if (skip) continue;
    seen.add(ref);
    try {
      await pull(o.store, ref, { output: o.output, platform: o.platform, env: o.io.env });
    } catch (e) {
      // No network: the build goes on with what the store has, or the built-ins, as without --pull.
      if (e instanceof OfflineError) continue;
      if (e instanceof RegistryError) throw new BuildError(e.message);
      throw e;
    }
  }
}
