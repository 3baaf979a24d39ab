import type { CatalogFile } from "./types.js";

/** Parses the compact file lines of a catalog entry (see PackageInput.files). */
export function parseFileLines(pkg: string, lines: string[]): CatalogFile[] {
  const out: CatalogFile[] = [];
  for (const line of lines) {
    const kind = line[0];
    const rest = line.slice(2);
    if (kind === "d") {
      const sp = rest.indexOf(" ");
      out.push({ type: "dir", mode: parseInt(rest.slice(0, sp), 8), path: rest.slice(sp + 1) });
    } else if (kind === "f") {
      const [mode, size] = rest.split(" ", 2);
      out.push({ type: "file", mode: parseInt(mode, 8), size: Number(size), path: rest.slice(mode.length + size.length + 2) });
    } else if (kind === "l" || kind === "h") {
      const sep = kind === "l" ? " -> " : " => ";
      const at = rest.indexOf(sep);
      if (at < 0) throw new Error(`pkgsim catalog: package ${pkg}: malformed file line ${JSON.stringify(line)}`);
      const path = rest.slice(0, at);
      const target = rest.slice(at + sep.length);
      out.push(kind === "l" ? { type: "symlink", path, target } : { type: "hardlink", path, target });
    } else {
      throw new Error(`pkgsim catalog: package ${pkg}: malformed file line ${JSON.stringify(line)}`);
    }
  }
  return out;
}

/** A package declared without a file list still takes its installed size on disk. */
export function placeholderFiles(name: string, installedSize: number): CatalogFile[] {
  return [
    { type: "dir", path: "/usr", mode: 0o755 },
    { type: "dir", path: "/usr/share", mode: 0o755 },
    { type: "dir", path: `/usr/share/${name}`, mode: 0o755 },
    { type: "file", path: `/usr/share/${name}/${name}.data`, mode: 0o644, size: installedSize },
  ];
}
