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
  const known = fields.filter(([k]) => RANK.has(k.toLowerCase())).sort((a, b) => RANK.get(a[0].toLowerCase())! - RANK.get(b[0].toLowerCase())!);
  const other = fields.filter(([k]) => !RANK.has(k.toLowerCase()));
  return [...known, ...other];
}
