import { posix } from "node:path";
import type { Owner, FileSystem } from "@tsbuild/fs-snapshot";
import type { PackageFormat } from "../format/types.js";
import { lexists, mkdirp, writeContent, writePlaceholder, type Written } from "./fsops.js";
import type { LockedPackage } from "./lockfiles.js";
import { placeholderNames, share } from "./tree.js";

/** Size of one package as the model declares it. */
export interface PerPackage {
  files: number;
  bytes: number;
}

/**
 * One directory per package in `root`, laid out as the package manager lays it out, each with
 * `each.files` files holding `each.bytes` in all: a real manifest (npm's package.json, pip's
 * METADATA) and placeholders for the rest. npm's packages also get their node_modules/.bin links.
 */
export function writePackages(fs: FileSystem, root: string, format: PackageFormat, packages: LockedPackage[], each: PerPackage, owner: Owner): Written {
  mkdirp(fs, root, owner);
  const total: Written = { files: 0, bytes: 0 };
  for (const pkg of packages) {
    const w = format === "npm" ? writeNpmPackage(fs, root, pkg, each, owner) : writePipPackage(fs, root, pkg, each, owner);
    total.files += w.files;
    total.bytes += w.bytes;
  }
  return total;
}

function writeNpmPackage(fs: FileSystem, root: string, pkg: LockedPackage, each: PerPackage, owner: Owner): Written {
  const dir = posix.join(root, pkg.dir);
  const manifest = `${JSON.stringify({ name: pkg.name, version: pkg.version }, null, 2)}\n`;
  writeContent(fs, posix.join(dir, "package.json"), manifest, 0o644, owner);
  const bins = Object.entries(pkg.bins).map(([name, target]) => ({ name, target: posix.normalize(target).replace(/^(\.\.\/)+/, "") }));
  const rest = Math.max(0, each.files - 1);
  const files = [...bins.map((b) => ({ path: b.target, mode: 0o755 })), ...placeholderNames(Math.max(0, rest - bins.length), ".js").map((p) => ({ path: p, mode: 0o644 }))];
  const bytes = Math.max(0, each.bytes - manifest.length);
  files.forEach((f, i) => writePlaceholder(fs, posix.join(dir, f.path), share(bytes, files.length, i), f.mode, owner));
  for (const b of bins) {
    // npm links each bin into the .bin of the node_modules that holds the package.
    const nested = pkg.dir.lastIndexOf("node_modules/");
    const holder = nested < 0 ? root : posix.join(root, pkg.dir.slice(0, nested + "node_modules".length));
    const binDir = posix.join(holder, ".bin");
    const link = posix.join(binDir, b.name);
    if (lexists(fs, link)) continue;
    mkdirp(fs, binDir, owner);
    fs.symlink(posix.relative(binDir, posix.join(dir, b.target)), link, { owner });
  }
  return { files: 1 + files.length, bytes: manifest.length + (files.length ? bytes : 0) };
}

function writePipPackage(fs: FileSystem, root: string, pkg: LockedPackage, each: PerPackage, owner: Owner): Written {
  const module = pkg.name.toLowerCase().replace(/[-.]+/g, "_");
  const distInfo = `${pkg.name.replace(/[-_.]+/g, "_")}-${pkg.version}.dist-info`;
  const metadata = `Metadata-Version: 2.1\nName: ${pkg.name}\nVersion: ${pkg.version}\n`;
  writeContent(fs, posix.join(root, distInfo, "METADATA"), metadata, 0o644, owner);
  const names = each.files > 1 ? ["__init__.py", ...placeholderNames(each.files - 2, ".py")] : [];
  const bytes = Math.max(0, each.bytes - metadata.length);
  names.forEach((n, i) => writePlaceholder(fs, posix.join(root, module, n), share(bytes, names.length, i), 0o644, owner));
  return { files: 1 + names.length, bytes: metadata.length + (names.length ? bytes : 0) };
}
