import { parseParagraphs, type Paragraph } from "../control.js";

/** dpkg's own field order for status records (lib/dpkg/parse.c); other fields follow in their control-file order. */
const ORDER = [
  "Package", "Essential", "Protected", "Status", "Priority", "Section", "Installed-Size", "Origin", "Maintainer", "Bugs",
  "Architecture", "Multi-Arch", "Source", "Version", "Revision", "Config-Version", "Replaces", "Provides", "Depends",
  "Pre-Depends", "Recommends", "Suggests", "Breaks", "Conflicts", "Enhances", "Conffiles", "Filename", "Size", "MD5sum",
  "MSDOS-Filename", "Description", "Triggers-Pending", "Triggers-Awaited",
];
const RANK = new Map(ORDER.map((f, i) => [f.toLowerCase(), i]));

/** The status record of a package just installed, from its .deb's control file. */
export function statusFromControl(control: string, conffiles: string | undefined): Paragraph {
  const para = parseParagraphs(control)[0] ?? [];
  const fields: Paragraph = para.filter(([k]) => k.toLowerCase() !== "status");
  fields.push(["Status", "install ok installed"]);
  if (conffiles) fields.push(["Conffiles", conffiles]);
  return orderFields(fields);
}

export function orderFields(fields: Paragraph): Paragraph {
  const known = fields.filter(([k]) => RANK.has(k.toLowerCase())).sort((a, b) => RANK.get(a[0].toLowerCase())! - RANK.get(b[0].toLowerCase())!);
  const other = fields.filter(([k]) => !RANK.has(k.toLowerCase()));
  return [...known, ...other];
}

/**
 * The database as dpkg saved it after unpacking and before configuring (what `status-old` holds
 * at the end of an install): new packages "unpacked" with their conffiles "newconffile", and
 * packages with pending triggers "triggers-pending".
 */
export function unpackedSnapshot(paras: Paragraph[], fresh: Set<string>, pendingTriggers: Map<string, string[]>): Paragraph[] {
  return paras.map((p) => {
    const name = p.find(([k]) => k === "Package")?.[1] ?? "";
    if (fresh.has(name)) {
      return p.map(([k, v]): [string, string] => k === "Status" ? [k, "install ok unpacked"] : k === "Conffiles" ? [k, v.replace(/ [0-9a-f]{32}$/gm, " newconffile")] : [k, v]);
    }
    const trig = pendingTriggers.get(name);
    if (trig) return orderFields([...p.map(([k, v]): [string, string] => (k === "Status" ? [k, "install ok triggers-pending"] : [k, v])), ["Triggers-Pending", trig.join(" ")]]);
    return p;
  });
}
