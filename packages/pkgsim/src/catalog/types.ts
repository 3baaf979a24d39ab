/** Catalog names: one per package universe the built-in images use. */
export type Distro = "alpine-3.19" | "alpine-3.20" | "bookworm" | "jammy" | "noble";

/** One filesystem entry a package installs (absolute path). */
export type CatalogFile =
  | { type: "dir"; path: string; mode: number }
  | { type: "file"; path: string; mode: number; size: number }
  | { type: "symlink"; path: string; target: string }
  | { type: "hardlink"; path: string; target: string };

/** Fields a package may carry as its index or control file gives them, in a catalog and in its input alike. */
export interface PackageMetadata {
  url?: string;
  license?: string;
  origin?: string;
  maintainer?: string;
  section?: string;
  priority?: string;
  multiArch?: string;
  source?: string;
}

export interface PackageInfo extends PackageMetadata {
  name: string;
  version: string;
  architecture: string;
  /** Bytes once installed (apk: I:, dpkg: Installed-Size × 1024). */
  installedSize: number;
  /** Bytes of the package archive (.apk / .deb). */
  downloadSize: number;
  description: string;
  /** Relations, raw: apk "so:libc.musl-x86_64.so.1 zlib>=1.2", dpkg "libc6 (>= 2.34), libssl3". */
  depends: string;
  preDepends: string;
  recommends: string;
  suggests: string;
  provides: string;
  conffiles: string[];
  /** The archive's file name (.deb) when known. */
  filename?: string;
  /** "security" when the package comes from the security archive (deb catalogs). */
  archive?: string;
  files(): CatalogFile[];
}

export interface Catalog {
  distro: Distro;
  kind: "apk" | "deb";
  /** Where the data came from (shown in docs and errors). */
  sources: string[];
  get(name: string): PackageInfo | undefined;
  names(): string[];
  /** Packages that provide `name` (a virtual name, so:lib, cmd:tool, ...), the real one first. */
  providers(name: string): PackageInfo[];
  /** Adds or replaces packages (see README "Adding packages"). */
  add(packages: PackageInput[], source?: string): void;
}

/** The JSON shape of one package in a catalog data file (data/*.json, or a user's file). */
export interface PackageInput extends PackageMetadata {
  name: string;
  version: string;
  architecture?: string;
  /** apk catalogs: bytes. deb catalogs: KiB (dpkg's Installed-Size). */
  installedSize: number;
  /** Bytes of the archive; default 40% of the installed size. */
  size?: number;
  description?: string;
  depends?: string;
  preDepends?: string;
  recommends?: string;
  suggests?: string;
  provides?: string;
  conffiles?: string[];
  filename?: string;
  archive?: string;
  /** "d MODE /path", "f MODE SIZE /path", "l /path -> target", "h /path => /first/path".
   *  Omitted: one placeholder file per package, /usr/share/<name>/<name>.data, of installedSize. */
  files?: string[];
}
