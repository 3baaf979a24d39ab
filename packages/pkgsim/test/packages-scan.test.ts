import { describe, expect, it } from "vitest";
import { ArchiveIndex, parsePackages } from "../src/deb/real/internals.js";
import { parseRelations } from "../src/deb/control.js";
import { compareVersions } from "../src/deb/real/version.js";

// The index reads Packages files as bytes and decodes only what a lookup reaches. The reference
// here is the parser it replaced: decode the whole text, split it on blank lines, read each
// stanza's wanted fields line by line (names lower-cased as JavaScript does, first occurrence
// kept, continuation lines joined, values trimmed).
const WANTED = ["package", "version", "architecture", "multi-arch", "priority", "essential", "depends", "pre-depends", "recommends", "provides", "filename", "size", "sha256"];

function referenceFields(stanza: string): Map<string, string> {
  const fields = new Map<string, string>();
  let key: string | undefined;
  let value = "";
  const flush = () => {
    if (key !== undefined && !fields.has(key)) fields.set(key, value.trim());
  };
  for (const line of stanza.split("\n")) {
    if (line[0] === " " || line[0] === "\t") {
      if (key !== undefined) value += "\n" + line;
      continue;
    }
    flush();
    key = undefined;
    const colon = line.indexOf(":");
    if (colon > 0) {
      const name = line.slice(0, colon).toLowerCase();
      if (WANTED.includes(name)) {
        key = name;
        value = line.slice(colon + 1);
      }
    }
  }
  flush();
  return fields;
}

function reference(text: string, baseUri: string, origin: string) {
  const out = [];
  for (const stanza of text.split(/\n\n+/)) {
    if (!stanza.trim()) continue;
    const f = referenceFields(stanza);
    const field = (n: string) => f.get(n) ?? "";
    if (!field("package")) continue;
    out.push({
      name: field("package"), version: field("version"), architecture: field("architecture"), multiArch: field("multi-arch"),
      priority: field("priority"), essential: field("essential") === "yes", depends: field("depends"), preDepends: field("pre-depends"),
      recommends: field("recommends"), provides: field("provides"), filename: field("filename"), size: Number(field("size") || 0),
      sha256: field("sha256"), baseUri, origin, stanza,
    });
  }
  return out;
}

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ["Package", "package", "PACKAGE", "Pac\u212Aage", "Version", "VERSION", "Architecture", "Multi-Arch", "multi-arch", "Multi\rArch", "Priority",
  "Essential", "Depends", "Pre-Depends", "Pre_Depends", "Recommends", "Provides", "provides", "Filename", "Size", "SHA256", "Sha256", "SHA\u0012256",
  "Description", "Maintainer", "Homepage", " Package", "Package ", "Pakage", "\uFEFFPackage", "Größe", "X-Ñame"];
const VALUES = ["foo", "libfoo1", "1:2.0-3", "amd64", "all", "i386", " amd64 ", "\tall", "\u00a0amd64", "yes", "no", "", " ", "1234", " 99 ", "x".repeat(30),
  "libc6 (>= 2.34), libbar2 | libbaz", "mawk (= 1.3.4), awk", "virt (= 2)", "Jörg Müller <j@example.invalid>", "naïve — text", "a:b:c", "\u2028sep"];

function generate(r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const stanzas: string[] = [];
  const n = 1 + Math.floor(r() * 8);
  for (let s = 0; s < n; s++) {
    const lines: string[] = [];
    if (r() < 0.8) lines.push(`Package: ${pick(["foo", "bar", "baz", "libfoo1", "", " qux "])}`);
    const m = Math.floor(r() * 9);
    for (let i = 0; i < m; i++) {
      const roll = r();
      if (roll < 0.15) lines.push(`${pick([" ", "\t", "  "])}${pick(VALUES)}`);
      else if (roll < 0.2) lines.push(pick(["no colon here", ":starts with a colon", "", "\r"]));
      else lines.push(`${pick(NAMES)}:${pick(["", " ", "  "])}${pick(VALUES)}`);
    }
    if (r() < 0.3) lines.splice(Math.floor(r() * lines.length), 0, `${pick(NAMES)}:${pick(VALUES)}`);
    stanzas.push(lines.join("\n"));
  }
  let text = stanzas.map((s, i) => (i ? pick(["\n\n", "\n\n\n", "\n\n\n\n"]) : "") + s).join("");
  const lead = r();
  if (lead < 0.1) text = "\n" + text;
  else if (lead < 0.15) text = "\n\n" + text;
  const tail = r();
  if (tail < 0.3) text += "\n";
  else if (tail < 0.5) text += "\n\n";
  return text;
}

describe("the Packages index read as bytes", () => {
  it("gives the same records as decoding and parsing the whole text, on 3,000 generated indexes", () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const text = generate(rng(seed));
      expect(parsePackages(text, "http://archive", "bookworm/main"), `seed ${seed}: ${JSON.stringify(text)}`).toEqual(reference(text, "http://archive", "bookworm/main"));
    }
  });

  it("gives the same records for bytes that are not valid UTF-8 (decoded with replacement characters, as the whole text was)", () => {
    const bytes = Buffer.concat([
      Buffer.from("Package: caf"), Buffer.from([0xc3]), Buffer.from("\nVersion: 1\xff2\nDepends: a\n b"), Buffer.from([0xe2, 0x82]),
      Buffer.from("\nPack"), Buffer.from([0xc3]), Buffer.from("ge: nope\n\nPackage: two\nArchitecture: all\n"),
    ]);
    const idx = ArchiveIndex.fromLists([{ bytes, baseUri: "http://archive", origin: "bookworm/main" }], "amd64");
    const want = reference(bytes.toString("utf8"), "http://archive", "bookworm/main");
    expect(want).toHaveLength(2);
    expect(idx.byName.get(want[1].name)).toEqual([want[1]]);
    expect(idx.byName.get(want[0].name)).toBeUndefined(); // no Architecture: neither amd64 nor all
  });

  it("indexes by name and by what is provided exactly as the eager index did", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed * 7919);
      const lists = [0, 1].map((k) => {
        const stanzas: string[] = [];
        for (let i = 0; i < 30; i++) {
          const name = ["foo", "bar", "baz", "qux"][Math.floor(r() * 4)];
          const arch = ["amd64", "all", "i386", " amd64"][Math.floor(r() * 4)];
          const version = `${Math.floor(r() * 3)}:${Math.floor(r() * 4)}.${Math.floor(r() * 3)}-${k}${i % 2 ? "~b1" : ""}`;
          const provides = r() < 0.4 ? `\nProvides: ${["virt", "virt (= 2)", "other, virt (= 1.0)", "virt | alt"][Math.floor(r() * 4)]}` : "";
          stanzas.push(`Package: ${name}\nVersion: ${version}\nArchitecture: ${arch}${provides}\nFilename: pool/${name}_${i}.deb`);
        }
        return { bytes: Buffer.from(stanzas.join("\n\n") + "\n"), baseUri: `http://archive/${k}`, origin: `s/${k}` };
      });
      const idx = ArchiveIndex.fromLists(lists, "amd64");
      // the eager index: every record of every list in order, filtered, sorted by version (stable)
      const all = lists.flatMap((l) => reference(l.bytes.toString("utf8"), l.baseUri, l.origin)).filter((p) => p.architecture === "amd64" || p.architecture === "all");
      for (const name of ["foo", "bar", "baz", "qux", "virt", "none"]) {
        const mine = all.filter((p) => p.name === name).sort((a, b) => compareVersions(b.version, a.version));
        expect(idx.byName.get(name) ?? [], `seed ${seed} ${name}`).toEqual(mine);
        expect(idx.byName.has(name)).toBe(mine.length > 0);
        expect(idx.candidate(name)).toEqual(mine[0]);
      }
      for (const virt of ["virt", "other", "alt", "foo"]) {
        const want = all.flatMap((p) => parseRelations(p.provides).filter((alts) => alts[0].name === virt).map((alts) => ({ pkg: p, version: /^=\s*(\S+)$/.exec(alts[0].constraint)?.[1] ?? "" })));
        expect(idx.providers.get(virt) ?? [], `seed ${seed} ${virt}`).toEqual(want);
      }
      // one record per stanza, however it is reached
      for (const prov of idx.providers.get("virt") ?? []) expect(idx.byName.get(prov.pkg.name)).toContain(prov.pkg);
    }
  });
});
