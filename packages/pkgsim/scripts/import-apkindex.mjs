#!/usr/bin/env node
// Makes an Alpine catalog exact from a real index: reads an APKINDEX (the text file inside
// APKINDEX.tar.gz, e.g. `tar -xzOf APKINDEX.tar.gz APKINDEX`) and, for every catalog package it
// lists, takes its version, installed size (I:), archive size (S:), depends (D:), provides (p:)
// and description (T:), rescaling the package's placeholder files to the new installed size.
//
//   node scripts/import-apkindex.mjs data/alpine-3.19.json APKINDEX [APKINDEX...]
import { readFileSync, writeFileSync } from "node:fs";

const [catalogFile, ...indexes] = process.argv.slice(2);
if (!catalogFile || indexes.length === 0) {
  console.error("usage: import-apkindex.mjs CATALOG.json APKINDEX [APKINDEX...]");
  process.exit(2);
}
const index = new Map();
for (const file of indexes) {
  for (const block of readFileSync(file, "utf8").split(/\n\n+/)) {
    const rec = {};
    for (const line of block.split("\n")) if (line[1] === ":") rec[line[0]] = line.slice(2);
    if (rec.P) index.set(rec.P, rec);
  }
}
const doc = JSON.parse(readFileSync(catalogFile, "utf8"));
let updated = 0;
for (const pkg of doc.packages) {
  const rec = index.get(pkg.name);
  if (!rec) continue;
  const installed = Number(rec.I);
  const factor = pkg.installedSize > 0 ? installed / pkg.installedSize : 1;
  pkg.files = (pkg.files ?? []).map((line) => {
    if (!line.startsWith("f ")) return line;
    const [, mode, size, ...path] = line.split(" ");
    return `f ${mode} ${Math.round(Number(size) * factor)} ${path.join(" ")}`;
  });
  Object.assign(pkg, { version: rec.V, installedSize: installed, size: Number(rec.S), description: rec.T ?? pkg.description });
  if (rec.D !== undefined) pkg.depends = rec.D;
  if (rec.p !== undefined) pkg.provides = rec.p;
  updated++;
}
doc.source = `${doc.source}; versions/sizes/deps of ${updated} packages from ${indexes.join(", ")}`;
writeFileSync(catalogFile, `{"distro":${JSON.stringify(doc.distro)},"source":${JSON.stringify(doc.source)},"packages":[\n` +
  doc.packages.map((p) => JSON.stringify(p)).join(",\n") + "\n]}\n");
console.error(`${catalogFile}: ${updated} of ${doc.packages.length} packages updated`);
