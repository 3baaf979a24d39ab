import type { FileSystem } from "@tsbuild/fs-snapshot";
import { lexists, readText, writeText } from "../../util/fsutil.js";

const DIR = "/var/cache/debconf";

interface Block { name: string; text: string }

/** The records of a debconf 822 database file, verbatim, by Name. */
function readDb(text: string): Block[] {
  return text.split(/\n\n+/).filter((b) => b.trim()).map((b) => ({ name: /^Name: (.*)$/m.exec(b)?.[1] ?? "", text: b.replace(/\n+$/, "") + "\n" }));
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** debconf's Template parser: a Description's first line, and its long text (" ." paragraph breaks, "  " verbatim lines). */
function splitDescription(value: string): [string, string] {
  const [short, ...rest] = value.split("\n");
  let ext = "";
  for (const line of rest) {
    if (/^\s\.\s*$/.test(line)) ext = ext.replace(/ $/, "") + "\n\n";
    else if (/^\s\s/.test(line)) ext = ext.replace(/ $/, "") + (ext && !ext.endsWith("\n") ? "\n" : "") + line.slice(1) + "\n";
    else ext += line.replace(/^\s/, "") + " ";
  }
  return [short.trim(), ext.replace(/\s+$/, "")];
}

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

interface Template { name: string; fields: Map<string, string> }

function parseTemplates(text: string): Template[] {
  const out: Template[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let name = "";
    let cur = "";
    const raw: Array<[string, string]> = [];
    for (const line of block.split("\n")) {
      if (!line) continue;
      if (/^\s/.test(line) && cur) raw[raw.length - 1][1] += "\n" + line;
      else {
        const c = line.indexOf(":");
        if (c < 0) continue;
        cur = line.slice(0, c);
        raw.push([cur, line.slice(c + 1).replace(/^ /, "")]);
      }
    }
    for (const [k, v] of raw) {
      const key = k.toLowerCase();
      if (key === "template") name = v.trim();
      else if (key === "description" || key.startsWith("description-")) {
        const lang = key.slice("description".length);
        const [short, ext] = splitDescription(v);
        fields.set(`description${lang}`, short);
        if (ext) fields.set(`extended_description${lang}`, ext);
      } else fields.set(key, v.trim());
    }
    if (name) out.push({ name, fields });
  }
  return out;
}

const ucfirst = (s: string) => s[0].toUpperCase() + s.slice(1);

/**
 * What debconf does when a package's config script loads its templates (debconf's File driver):
 * templates.dat and config.dat are saved to *-old, then rewritten with the package's templates
 * and questions added in Name order (fields sorted, Owners last), passwords.dat rewritten.
 * `values` and `variables` are what the config script set; otherwise a question gets its
 * template's Default.
 */
export function registerDebconf(fs: FileSystem, pkg: string, templatesText: string, values: Record<string, string> = {}, variables: Record<string, Record<string, string>> = {}): void {
  if (!fs.exists(DIR)) return; // no debconf in the image
  const templates = parseTemplates(templatesText);
  if (!templates.length) return;
  const tBlocks = readDb(readText(fs, `${DIR}/templates.dat`) ?? "");
  const cBlocks = readDb(readText(fs, `${DIR}/config.dat`) ?? "");
  for (const t of templates) {
    const keys = [...t.fields.keys()].sort(byteOrder);
    const lines = [`Name: ${t.name}`, ...keys.map((k) => `${ucfirst(k)}: ${escape(t.fields.get(k)!)}`), `Owners: ${t.name}`];
    upsert(tBlocks, t.name, lines.join("\n") + "\n");
    const value = values[t.name] ?? t.fields.get("default");
    const q = [`Name: ${t.name}`, `Template: ${t.name}`];
    if (value !== undefined) q.push(`Value: ${value}`);
    q.push(`Owners: ${pkg}`);
    const vars = variables[t.name];
    if (vars) q.push("Variables:", ...Object.entries(vars).map(([k, v]) => ` ${k} = ${v}`));
    upsert(cBlocks, t.name, q.join("\n") + "\n");
  }
  for (const [file, blocks] of [["templates.dat", tBlocks], ["config.dat", cBlocks]] as const) {
    const path = `${DIR}/${file}`;
    if (lexists(fs, path)) writeText(fs, `${path}-old`, fs.readFile(path), fs.stat(path).mode & 0o7777);
    writeText(fs, path, blocks.map((b) => b.text).join("\n") + "\n");
  }
  const pw = `${DIR}/passwords.dat`;
  writeText(fs, pw, lexists(fs, pw) ? fs.readFile(pw) : "", 0o600);
}

function upsert(blocks: Block[], name: string, text: string): void {
  const i = blocks.findIndex((b) => b.name === name);
  if (i >= 0) {
    blocks[i] = { name, text };
    return;
  }
  const at = blocks.findIndex((b) => byteOrder(b.name, name) > 0);
  blocks.splice(at < 0 ? blocks.length : at, 0, { name, text });
}
