import { createRequire } from "node:module";
import type * as TarStream from "tar-stream";

let loaded: typeof TarStream | undefined;

/**
 * tar-stream, required on first use rather than imported: with streamx under it, it costs more
 * to load than the rest of this package, and most commands (a cached build among them) never
 * read or write an archive.
 */
export function tarStream(): typeof TarStream {
  return (loaded ??= createRequire(import.meta.url)("tar-stream") as typeof TarStream);
}
