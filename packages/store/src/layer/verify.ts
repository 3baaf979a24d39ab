import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { Digest } from "@tsbuild/image";

export class DiffIDMismatchError extends Error {}

/** Passes the tar through, failing at its end unless it hashes to the diffID. */
export async function* verifyDiffID(chunks: AsyncIterable<Buffer>, expected: Digest, what: string): AsyncGenerator<Buffer> {
  const hash = createHash("sha256");
  for await (const c of chunks) {
    hash.update(c);
    yield c;
  }
  const got = "sha256:" + hash.digest("hex");
  if (got !== expected) throw new DiffIDMismatchError(`${what} rebuilt to ${got}, not its diffID ${expected}`);
}

export function verifiedReadable(chunks: AsyncIterable<Buffer>, expected: Digest, what: string): Readable {
  return Readable.from(verifyDiffID(chunks, expected, what), { objectMode: false });
}
