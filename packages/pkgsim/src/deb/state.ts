import type { FileSystem } from "@tsbuild/fs-snapshot";
import { readText, writeText } from "../util/fsutil.js";
import { field, parseParagraphs, parseRelations, serializeParagraphs, type Paragraph } from "./control.js";

export const STATUS = "/var/lib/dpkg/status";
export const STATUS_OLD = "/var/lib/dpkg/status-old";
export const INFO = "/var/lib/dpkg/info";
export const EXTENDED = "/var/lib/apt/extended_states";

export interface DpkgPackage {
  name: string;
  version: string;
  architecture: string;
  multiArch: string;
  status: string;
  essential: boolean;
  priority: string;
  installedSize: number; // KiB
  description: string;
  provides: string[];
  para: Paragraph;
}

function toPackage(p: Paragraph): DpkgPackage {
  return {
    name: field(p, "Package") ?? "",
    version: field(p, "Version") ?? "",
    architecture: field(p, "Architecture") ?? "",
    multiArch: field(p, "Multi-Arch") ?? "",
    status: field(p, "Status") ?? "",
    essential: field(p, "Essential") === "yes",
    priority: field(p, "Priority") ?? "",
    installedSize: Number(field(p, "Installed-Size") ?? 0),
    description: field(p, "Description") ?? "",
    provides: parseRelations(field(p, "Provides")).map((alts) => alts[0].name),
    para: p,
  };
}

export function readStatus(fs: FileSystem): DpkgPackage[] {
  return parseParagraphs(readText(fs, STATUS) ?? "").map(toPackage).filter((p) => p.name);
}

export function isInstalled(p: DpkgPackage): boolean {
  return p.status === "install ok installed";
}

/** dpkg keeps the previous database as status-old and writes the new one sorted by name. */
export function writeStatus(fs: FileSystem, pkgs: Array<DpkgPackage | Paragraph>): void {
  const paras = pkgs.map((p) => (Array.isArray(p) ? p : p.para));
  paras.sort((a, b) => {
    const x = field(a, "Package") ?? "", y = field(b, "Package") ?? "";
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const old = readText(fs, STATUS);
  if (old !== undefined) writeText(fs, STATUS_OLD, old);
  writeText(fs, STATUS, serializeParagraphs(paras));
}

/** The name dpkg uses for info files and messages: "libssl3:amd64" for Multi-Arch: same packages. */
export function qualifiedName(name: string, multiArch: string | undefined, arch = "amd64"): string {
  return multiArch === "same" ? `${name}:${arch}` : name;
}

export function listPath(name: string, multiArch: string | undefined): string {
  return `${INFO}/${qualifiedName(name, multiArch)}.list`;
}

/** apt's record of automatically installed packages. */
export function readAutoInstalled(fs: FileSystem): Set<string> {
  const auto = new Set<string>();
  for (const p of parseParagraphs(readText(fs, EXTENDED) ?? "")) {
    if (field(p, "Auto-Installed") === "1") auto.add(field(p, "Package") ?? "");
  }
  return auto;
}

export function writeAutoInstalled(fs: FileSystem, auto: Set<string>, archOf: (name: string) => string): void {
  const paras: Paragraph[] = [...auto].sort().map((name) => [
    ["Package", name], ["Architecture", archOf(name)], ["Auto-Installed", "1"],
  ]);
  writeText(fs, EXTENDED, serializeParagraphs(paras));
}
