import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Digest } from "@tsbuild/image";
import { importTar, type ImageStore } from "@tsbuild/store";

/** The conformance bases by case.json name: the reference Docker gave them and their rootfs tar. */
export const CONFORMANCE_BASES: Record<string, { ref: string; file: string }> = {
  busybox: { ref: "conformance/busybox:1", file: "busybox-rootfs.tar" },
  "alpine-sim": { ref: "conformance/alpine-sim:1", file: "alpine-sim-rootfs.tar" },
};

/** $TSBUILD_CONFORMANCE_BASES, the repository's copy of the conformance data, or shared/ beside it. */
function baseDirs(env: Record<string, string | undefined>): string[] {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
  return [env.TSBUILD_CONFORMANCE_BASES, join(repo, "test/conformance/base"), join(repo, "../shared/conformance/base")].filter(
    (d): d is string => Boolean(d),
  );
}

/**
 * A FROM name that is one of the conformance bases (`conformance/busybox:1`), imported into the
 * store from the first directory that holds its tar, as `docker import` did for the recordings.
 */
export async function importConformanceBase(store: ImageStore, ref: string, env: Record<string, string | undefined>): Promise<Digest | undefined> {
  const full = ref.includes(":") ? ref : ref + ":latest";
  const base = Object.values(CONFORMANCE_BASES).find((b) => b.ref === full);
  if (!base) return undefined;
  const dir = baseDirs(env).find((d) => existsSync(join(d, base.file)));
  if (!dir) return undefined;
  return importTar(store, readFileSync(join(dir, base.file)), { ref });
}
