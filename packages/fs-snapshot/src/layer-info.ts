import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { sha256Digest } from "@tsbuild/image";

// A layer tar's entries and Docker's size are read in one place, @tsbuild/image (over archive's reader).
export { layerEntries, layerSize } from "@tsbuild/image";

const gzipAsync = promisify(gzip);

/** What a registry stores for a layer: the gzip stream, its digest and length. */
export async function gzipLayer(tar: Buffer): Promise<{ gz: Buffer; digest: string; size: number }> {
  const gz = await gzipAsync(tar);
  return { gz, digest: sha256Digest(gz), size: gz.length };
}
