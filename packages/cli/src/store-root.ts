import { resolve } from "node:path";
import { defaultRoot, openStore, type ImageStore } from "@tsbuild/store";
import type { Io } from "./command.js";

/** --root DIR, else $TSBUILD_ROOT, else the per-user default. */
export function storeFor(values: Record<string, unknown>, io: Io): ImageStore {
  const root = (values.root as string | undefined) ?? io.env.TSBUILD_ROOT ?? defaultRoot();
  return openStore(resolve(io.cwd, root));
}
