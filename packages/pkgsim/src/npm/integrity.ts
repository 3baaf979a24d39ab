import { createHash } from "node:crypto";

/** One hash of a Subresource Integrity string ("sha512-<base64>"). */
export interface SriHash { algorithm: string; digest: string }

const STRENGTH: Record<string, number> = { sha1: 1, sha256: 2, sha384: 3, sha512: 4 };

/** The hashes of an SRI string that Node can compute, strongest first (npm checks the strongest). */
export function parseSri(sri: string): SriHash[] {
  return sri
    .trim()
    .split(/\s+/)
    .map((part) => /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/=]+)(?:\?.*)?$/.exec(part))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ algorithm: m[1], digest: m[2] }))
    .sort((a, b) => STRENGTH[b.algorithm] - STRENGTH[a.algorithm]);
}

export function sri(algorithm: string, data: Buffer): string {
  return `${algorithm}-${createHash(algorithm).update(data).digest("base64")}`;
}

/**
 * Checks `data` against the strongest hash of `integrity` as ssri does; returns the mismatch
 * message npm prints (EINTEGRITY), or undefined when it matches.
 */
export function checkIntegrity(data: Buffer, integrity: string): string | undefined {
  const hashes = parseSri(integrity);
  if (!hashes.length) return `Invalid integrity string: ${integrity}`;
  const want = hashes[0];
  const got = sri(want.algorithm, data);
  if (got === `${want.algorithm}-${want.digest}`) return undefined;
  return `Integrity checksum failed when using ${want.algorithm}: wanted ${integrity} but got ${got}. (${data.length} bytes)`;
}
