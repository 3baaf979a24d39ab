import { createHash } from "node:crypto";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import { checkSignature } from "./sign.js";
import type { IndexPackage } from "./apkindex.js";
import { splitGzip } from "./gzip.js";
import { readApkTar, type ApkTarEntry } from "./tar.js";

export const SCRIPT_TYPES = ["pre-install", "post-install", "pre-deinstall", "post-deinstall", "pre-upgrade", "post-upgrade", "trigger"] as const;
export type ScriptType = (typeof SCRIPT_TYPES)[number];

export interface ApkPackageFile {
  pkg: IndexPackage;
  url: string;
  bytes: Buffer;
  data: ApkTarEntry[];
  scripts: Map<ScriptType, Buffer>;
  /** `triggers = …` of .PKGINFO: the directory globs whose changes run the package's .trigger. */
  triggers: string[];
  /** `replaces = …` of .PKGINFO: packages whose files this one may overwrite. */
  replaces: string[];
}

export class PackageError extends Error {
  constructor(readonly apkWords: string, readonly detail: string) {
    super(apkWords);
  }
}

export const q1 = (b: Buffer) => "Q1" + createHash("sha1").update(b).digest("base64");

/**
 * An .apk checked as apk installs it from a repository (APK_SIGN_VERIFY_IDENTITY): the SHA-1 of
 * the compressed control stream must be the index's C: (the index itself is signed), and the
 * SHA-256 of the compressed data stream must be .PKGINFO's datahash. Any mismatch is apk's
 * "BAD signature"; the detail names the URL and both values.
 */
export async function readApkPackage(fs: FileSystem, bytes: Buffer, pkg: IndexPackage, url: string): Promise<ApkPackageFile> {
  let parts;
  try {
    parts = splitGzip(bytes, url);
  } catch (e) {
    throw new PackageError("BAD archive", (e as Error).message);
  }
  if (parts.length < 3) throw new PackageError("BAD archive", `${url}: ${parts.length} gzip streams, an .apk has three (signature, control, data)`);
  const [, control, ...dataParts] = parts;
  const identity = q1(control.raw);
  if (identity !== pkg.checksum) {
    throw new PackageError("BAD signature", `${url}: control checksum ${identity} is not the index's C:${pkg.checksum}`);
  }
  // apk trusts the identity alone; tsbuild also refuses a package signature that the image's key
  // for it does not verify (a missing key is fine: the identity chains to the signed index)
  const sig = await checkSignature(fs, parts[0].data, control.raw);
  if (!sig.ok && sig.error === "BAD signature") throw new PackageError("BAD signature", `${url}: ${sig.detail}`);
  const ctl = await readApkTar(control.data);
  const pkginfo = ctl.find((e) => e.name === ".PKGINFO")?.data.toString("utf8") ?? "";
  const info = (key: string) => [...pkginfo.matchAll(new RegExp(`^${key} = (.*)$`, "gm"))].map((m) => m[1].trim());
  const datahash = info("datahash")[0];
  const rawData = Buffer.concat(dataParts.map((p) => p.raw));
  if (datahash) {
    const got = createHash("sha256").update(rawData).digest("hex");
    if (got !== datahash.toLowerCase()) throw new PackageError("BAD signature", `${url}: data stream sha256 ${got} is not .PKGINFO's datahash ${datahash}`);
  }
  const scripts = new Map<ScriptType, Buffer>();
  for (const e of ctl) {
    const t = SCRIPT_TYPES.find((s) => e.name === `.${s}`);
    if (t) scripts.set(t, e.data);
  }
  const data = await readApkTar(Buffer.concat(dataParts.map((p) => p.data)));
  const list = (key: string) => info(key).flatMap((t) => t.split(/\s+/)).filter(Boolean);
  return { pkg, url, bytes, data, scripts, triggers: list("triggers"), replaces: list("replaces") };
}
