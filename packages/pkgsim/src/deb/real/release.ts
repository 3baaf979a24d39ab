import type * as openpgp from "openpgp";
import { loadOpenpgp } from "../../util/openpgp.js";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import { readText } from "../../util/fsutil.js";
import type { Source } from "../sources.js";

/** apt's trusted keys for a source: its Signed-By, else trusted.gpg and trusted.gpg.d/*.{gpg,asc}. */
export async function keyringFor(fs: FileSystem, source: Source): Promise<{ keys: openpgp.PublicKey[]; files: string[] }> {
  const files: string[] = [];
  const keys: openpgp.PublicKey[] = [];
  const sb = source.signedBy;
  if (sb && sb.includes("BEGIN PGP PUBLIC KEY BLOCK")) {
    // deb822 inline key: continuation lines, "." for empty lines
    const armored = sb.split("\n").map((l) => (l.trim() === "." ? "" : l.trim())).join("\n");
    keys.push(...(await tryKeys(Buffer.from(armored))));
    return { keys, files: ["Signed-By (inline)"] };
  }
  const paths = sb ? sb.split(/[\s,]+/).filter(Boolean) : defaultKeyrings(fs);
  for (const p of paths) {
    if (!fs.exists(p)) continue;
    const found = await tryKeys(fs.readFile(p));
    if (found.length) files.push(p);
    keys.push(...found);
  }
  return { keys, files };
}

function defaultKeyrings(fs: FileSystem): string[] {
  const out = ["/etc/apt/trusted.gpg"];
  const dir = "/etc/apt/trusted.gpg.d";
  if (fs.exists(dir)) for (const n of fs.readdir(dir).sort()) if (/\.(gpg|asc)$/.test(n)) out.push(`${dir}/${n}`);
  return out;
}

/** Keys from an armored or binary keyring; nothing (not an error) from a file that holds none. */
async function tryKeys(data: Buffer): Promise<openpgp.PublicKey[]> {
  const openpgp = await loadOpenpgp();
  try {
    if (data.includes("-----BEGIN PGP PUBLIC KEY BLOCK-----")) return await openpgp.readKeys({ armoredKeys: data.toString("utf8") });
    if (data.length === 0 || data.every((b) => b === 0)) return [];
    return await openpgp.readKeys({ binaryKeys: new Uint8Array(data) });
  } catch {
    return [];
  }
}

export interface ReleaseFile {
  fields: Map<string, string>;
  /** path → { sha256, size } from the SHA256 field. */
  files: Map<string, { sha256: string; size: number }>;
}

/** Verifies an InRelease (clearsigned) against the keys; throws with apt's NO_PUBKEY-like reason. */
export async function verifyInRelease(text: string, keys: openpgp.PublicKey[], url: string): Promise<ReleaseFile> {
  const openpgp = await loadOpenpgp();
  let message;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: text });
  } catch (e) {
    throw new Error(`${url}: not a clearsigned InRelease file (${(e as Error).message})`);
  }
  if (!keys.length) throw new Error(`The repository's InRelease (${url}) cannot be verified: the image holds no keyring for it`);
  try {
    const res = await openpgp.verify({ message, verificationKeys: keys, expectSigned: true });
    return parseRelease(String(res.data));
  } catch (e) {
    const ids = message.getSigningKeyIDs().map((k) => k.toHex().toUpperCase());
    throw new Error(`The following signatures couldn't be verified because the public key is not available: NO_PUBKEY ${ids.join(" ")} (${url}: ${(e as Error).message})`);
  }
}

export function parseRelease(text: string): ReleaseFile {
  const fields = new Map<string, string>();
  let current = "";
  for (const line of text.split("\n")) {
    if (/^\s/.test(line) && current) fields.set(current, (fields.get(current) ?? "") + "\n" + line.trim());
    else {
      const c = line.indexOf(":");
      if (c > 0) {
        current = line.slice(0, c);
        fields.set(current, line.slice(c + 1).trim());
      }
    }
  }
  const files = new Map<string, { sha256: string; size: number }>();
  for (const l of (fields.get("SHA256") ?? "").split("\n")) {
    const m = /^([0-9a-f]{64})\s+(\d+)\s+(\S+)$/.exec(l.trim());
    if (m) files.set(m[3], { sha256: m[1], size: Number(m[2]) });
  }
  return { fields, files };
}
