import type { Digest } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";
import { offlineFromEnv } from "./client.js";
import { OfflineError, RegistryError } from "./errors.js";
import { pull } from "./pull.js";

export interface BaseResolverOptions {
  store: ImageStore;
  /** The built-in simulated images: imports one into `store` and returns its ID, undefined for names they do not cover. */
  builtin: (ref: string, store: ImageStore) => Promise<Digest | undefined>;
  /**
   * The names the built-ins answer, for the error that lists them: asked only when that error is
   * written, because listing them loads every built-in image's description (a cost every CLI
   * build paid at start-up).
   */
  builtinNames: () => string[];
  /** Build output: the pull lines go there, as `docker build` prints them under FROM. */
  output?: (text: string) => void;
  /** No registry access at all (--offline); TSBUILD_OFFLINE=1 in env means the same. */
  offline?: boolean;
  platform?: string;
  env?: NodeJS.ProcessEnv;
  insecureRegistries?: string[];
  /** The error a failure becomes (the builder's, so it reads as a failed step); default MissingBaseError. */
  failure?: (message: string) => Error;
}

/** A FROM name neither the store, a registry nor the built-ins could provide. */
export class MissingBaseError extends Error {}

/** What the user can do about a name tsbuild could not find. */
export function missingBaseHelp(ref: string, why: string, builtinNames: string[]): string {
  return `pull access denied for ${ref.replace(/@.*$/, "").replace(/:[^/:]*$/, "")}: ${why}.\n` +
    `  Built-in simulated images (work offline): ${builtinNames.join(", ")}.\n` +
    `  To pull it: tsbuild pull ${ref} (needs a reachable registry; tsbuild login for a private one).\n` +
    `  To load it from a file: tsbuild load -i IMAGE.tar (a docker save or OCI archive), or tsbuild import ROOTFS.tar ${ref}.`;
}

/**
 * The builder's resolveMissingBase for a FROM name the store lacks: pulled from its registry as
 * `docker build` does; offline (asked, or no network), the built-in simulated images answer the
 * names they cover and every other name fails with what to do instead.
 */
export function pullingBaseResolver(opts: BaseResolverOptions): (ref: string, locked?: ImageStore) => Promise<Digest | undefined> {
  const env = opts.env ?? process.env;
  const offline = opts.offline || offlineFromEnv(env);
  const out = opts.output ?? (() => {});
  const fail = opts.failure ?? ((message: string) => new MissingBaseError(message));
  // `locked`: the store as a build's lock handed it (the image is written through it).
  return async (ref, locked) => {
    const store = locked ?? opts.store;
    let why = "offline (--offline or TSBUILD_OFFLINE=1), so no registry was asked";
    if (!offline) {
      try {
        return (await pull(store, ref, { output: out, platform: opts.platform, env, insecureRegistries: opts.insecureRegistries })).id;
      } catch (e) {
        if (!(e instanceof OfflineError)) {
          if (e instanceof RegistryError) throw fail(e.message);
          throw e;
        }
        why = `no registry could be reached (${e.message})`;
      }
    }
    const id = await opts.builtin(ref, store);
    if (id) {
      out(`${why.replace(/ \(.*\)$/, "").replace(/, so .*$/, "")}: ${ref} is served by tsbuild's built-in simulated image\n`);
      return id;
    }
    throw fail(missingBaseHelp(ref, why, opts.builtinNames()));
  };
}
