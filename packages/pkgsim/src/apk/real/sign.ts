import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import { readApkTar } from "./tar.js";

export const KEYS_DIR = "/etc/apk/keys";

/** apk's words for the two failures (apk_error_str of ENOKEY and EKEYREJECTED). */
export type SignError = "UNTRUSTED signature" | "BAD signature";

export type SignCheck = { ok: true; key: string } | { ok: false; error: SignError; detail: string };

function loadKey(fs: FileSystem, name: string): KeyObject | undefined {
  const path = `${KEYS_DIR}/${name}`;
  if (name.includes("/") || !fs.exists(path)) return undefined;
  return parsedKey(fs.readFile(path));
}

/**
 * Parsed keys by their file's bytes: every `apk` run asks which keys are usable, and the built-in
 * images' placeholder keys fail to parse, an exception each time (2 ms of a 20 ms in-process
 * build, issue 16). A key file's parse is a pure function of its bytes.
 */
const parsed = new Map<string, KeyObject | null>();

function parsedKey(pem: Buffer): KeyObject | undefined {
  const text = pem.toString("latin1");
  let key = parsed.get(text);
  if (key === undefined) {
    try {
      key = createPublicKey(pem);
    } catch {
      key = null;
    }
    if (parsed.size >= 64) parsed.delete(parsed.keys().next().value!);
    parsed.set(text, key);
  }
  return key ?? undefined;
}

/** The usable public keys of /etc/apk/keys (the built-in images' placeholders are not). */
export function usableKeys(fs: FileSystem): string[] {
  if (!fs.exists(KEYS_DIR)) return [];
  return fs.readdir(KEYS_DIR).filter((n) => loadKey(fs, n) !== undefined);
}

const DIGESTS: Array<[string, string]> = [["RSA512", "sha512"], ["RSA256", "sha256"], ["RSA", "sha1"]];

/**
 * apk_sign_ctx: the first `.SIGN.<type>.<keyname>` whose key /etc/apk/keys holds decides; the
 * signature is RSA (PKCS#1 v1.5) over the digest of `signed` (the compressed control stream).
 */
export async function checkSignature(fs: FileSystem, signaturePart: Buffer, signed: Buffer): Promise<SignCheck> {
  const entries = await readApkTar(signaturePart);
  const names: string[] = [];
  for (const e of entries) {
    const m = /^\.SIGN\.([A-Z0-9]+)\.(.+)$/.exec(e.name);
    if (!m) continue;
    const md = DIGESTS.find(([t]) => t === m[1])?.[1];
    if (!md) continue;
    names.push(m[2]);
    const key = loadKey(fs, m[2]);
    if (!key) continue;
    if (verify(md, signed, key, e.data)) return { ok: true, key: m[2] };
    return { ok: false, error: "BAD signature", detail: `its ${e.name} signature does not verify with ${KEYS_DIR}/${m[2]}` };
  }
  return {
    ok: false, error: "UNTRUSTED signature",
    detail: names.length ? `signed with ${names.join(", ")}, which ${KEYS_DIR} does not hold` : "it carries no .SIGN.RSA signature",
  };
}
