import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { Digest } from "@tsbuild/image";

export class DiffIDMismatchError extends Error {}

/**
 * Passes the tar through, failing at its end unless it hashes to the diffID. On a mismatch,
 * `diagnose` may throw a more precise error (which file is damaged) before the generic one.
 */
export async function* verifyDiffID(chunks: AsyncIterable<Buffer>, expected: Digest, what: string, diagnose?: () => Promise<void>): AsyncGenerator<Buffer> {
  const hash = createHash("sha256");
  for await (const c of chunks) {
    hash.update(c);
    yield c;
  }
  const got = "sha256:" + hash.digest("hex");
  if (got !== expected) {
    await diagnose?.();
    throw new DiffIDMismatchError(`${what} rebuilt to ${got}, not its diffID ${expected}`);
  }
}

export function verifiedReadable(chunks: AsyncIterable<Buffer>, expected: Digest, what: string, diagnose?: () => Promise<void>): Readable {
  return Readable.from(verifyDiffID(chunks, expected, what, diagnose), { objectMode: false });
}
