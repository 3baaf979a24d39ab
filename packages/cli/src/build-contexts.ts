import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { NamedContext } from "@tsbuild/builder";
import { BuildContext } from "@tsbuild/context";
import { UsageError } from "./command.js";

/**
 * `--build-context NAME=VALUE`, as buildx takes it: `docker-image://REF` names an image, anything
 * else a local directory (relative to the working directory). Remote contexts (git, http) and OCI
 * layouts need what tsbuild does not have: they are refused by name.
 */
export async function parseBuildContexts(list: string[] | undefined, cwd: string, buildkit: boolean): Promise<Record<string, NamedContext> | undefined> {
  if (!list?.length) return undefined;
  if (!buildkit) throw new UsageError("--build-context requires BuildKit (DOCKER_BUILDKIT=1 or --buildkit); Docker 20.10's classic builder has no named contexts");
  const out: Record<string, NamedContext> = {};
  for (const spec of list) {
    const i = spec.indexOf("=");
    if (i <= 0) throw new UsageError(`invalid context value: ${spec}, expected key=value`);
    const name = spec.slice(0, i).toLowerCase();
    const value = spec.slice(i + 1);
    if (value.startsWith("docker-image://")) {
      out[name] = { image: value.slice("docker-image://".length) };
    } else if (/^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/.test(value) || value.endsWith(".git")) {
      throw new UsageError(`build context "${name}": remote contexts (${value}) are not supported: tsbuild builds offline; check it out or download it, and name the directory`);
    } else if (value.startsWith("oci-layout://") || value.startsWith("target:")) {
      throw new UsageError(`build context "${name}": ${value.split(":")[0]} contexts are not supported by tsbuild`);
    } else {
      const dir = resolve(cwd, value);
      let isDir = false;
      try {
        isDir = statSync(dir).isDirectory();
      } catch {
        throw new UsageError(`build context "${name}": ${dir}: no such directory`);
      }
      if (!isDir) throw new UsageError(`build context "${name}": ${dir} is not a directory`);
      out[name] = { context: await BuildContext.fromDirectory(dir, { noDockerfile: true }) };
    }
  }
  return out;
}
