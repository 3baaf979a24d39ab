import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "@tsbuild/builder";
import { BuildContext } from "@tsbuild/context";
import type { Digest } from "@tsbuild/image";
import { importTar, openStore } from "@tsbuild/store";
import { repoRoot } from "./run.js";

/** The conformance data: the repository's copy when the lead has made one, else shared/ beside the repository. */
export const CONFORMANCE_DIR = [join(repoRoot, "test/conformance"), resolve(repoRoot, "..", "shared/conformance")].find((d) =>
  existsSync(join(d, "base", "alpine-sim-rootfs.tar")),
)!;

/** A conformance case's directory ("c18" → …/cases/c18-apk-split). */
export function caseDir(name: string): string {
  const cases = join(CONFORMANCE_DIR, "cases");
  const dir = readdirSync(cases).find((d) => d === name || d.startsWith(name + "-"));
  if (!dir) throw new Error(`no conformance case ${name} in ${cases}`);
  return join(cases, dir);
}

/** Builds a case's context into the store at root (its base imported first), tagged `tag`. */
export async function buildCase(root: string, name: string, tag: string): Promise<Digest> {
  const store = openStore(root);
  if (!store.resolve("conformance/alpine-sim:1")) {
    await importTar(store, readFileSync(join(CONFORMANCE_DIR, "base", "alpine-sim-rootfs.tar")), { ref: "conformance/alpine-sim:1" });
  }
  if (!store.resolve("conformance/busybox:1")) {
    await importTar(store, readFileSync(join(CONFORMANCE_DIR, "base", "busybox-rootfs.tar")), { ref: "conformance/busybox:1" });
  }
  const context = await BuildContext.fromDirectory(join(caseDir(name), "context"));
  const r = await build({ store, context, tags: [tag], output: () => {} });
  return r.imageId;
}
