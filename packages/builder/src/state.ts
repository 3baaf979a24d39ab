import type { ContainerConfig, Digest, ImageConfigFile } from "@tsbuild/image";
import { emptyContainerConfig } from "@tsbuild/image";
import type { RootFS } from "@tsbuild/fs-snapshot";

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
export const DEFAULT_SHELL = ["/bin/sh", "-c"];

/** What the classic builder's dispatchState holds for one stage. */
export interface StageState {
  index: number;
  name?: string;
  /** The current image; "" before the first commit of a FROM scratch stage. */
  imageId: Digest | "";
  /** The current image's config (undefined for scratch until a commit). */
  image?: ImageConfigFile;
  runConfig: ContainerConfig;
  maintainer: string;
  /** ARGs declared in this stage, in order, with their resolved values (undefined: no value). */
  args: Map<string, string | undefined>;
  cacheBusted: boolean;
  sandbox?: { fs: RootFS; diffIDs: string[] };
  /** BuildKit mode: the cache key of the stage's state so far (content-based, no image IDs). */
  bkKey?: string;
  /** BuildKit mode: the key and history text of the step being probed, for its commit. */
  bkPending?: { key: string; text: string };
  /** BuildKit mode: whether a CMD set ArgsEscaped (in this stage or the one it builds on). */
  bkArgsEscaped?: boolean;
  /** BuildKit mode: every ARG declaration of the stage in order (RUN's `|N k=v` lists them all). */
  bkArgs?: Array<[string, string]>;
}

/**
 * A config is plain JSON data; copying it by hand is several times cheaper than structuredClone,
 * which matters because every step copies it and its Env grows with each ENV line.
 */
export function copyConfig(c: ContainerConfig): ContainerConfig {
  return clonePlain(c);
}

function clonePlain<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clonePlain) as T;
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = clonePlain((v as Record<string, unknown>)[k]);
  return out as T;
}

export function newStageState(index: number, name: string | undefined, imageId: Digest | "", image?: ImageConfigFile): StageState {
  const runConfig = image?.config ? copyConfig(image.config) : emptyContainerConfig();
  const env = runConfig.Env ?? [];
  if (!env.some((e) => e.startsWith("PATH="))) runConfig.Env = [...env, "PATH=" + DEFAULT_PATH];
  return { index, name, imageId, image, runConfig, maintainer: "", args: new Map(), cacheBusted: false };
}

export function shellOf(state: StageState): string[] {
  return state.runConfig.Shell && state.runConfig.Shell.length ? state.runConfig.Shell : DEFAULT_SHELL;
}

export function envMap(env: string[] | null | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const kv of env ?? []) {
    const i = kv.indexOf("=");
    if (i < 0) m.set(kv, "");
    else m.set(kv.slice(0, i), kv.slice(i + 1));
  }
  return m;
}

/** Build args a step sees: declared, with a value, and not shadowed by ENV (BuildArgs.FilterAllowed). */
export function allowedArgs(state: StageState): Array<[string, string]> {
  const env = envMap(state.runConfig.Env);
  const out: Array<[string, string]> = [];
  for (const [k, v] of state.args) if (v !== undefined && !env.has(k)) out.push([k, v]);
  return out;
}

/** The environment for variable substitution: ENV first, then the allowed build args. */
export function substitutionEnv(state: StageState): Map<string, string> {
  const m = envMap(state.runConfig.Env);
  for (const [k, v] of allowedArgs(state)) m.set(k, v);
  return m;
}
