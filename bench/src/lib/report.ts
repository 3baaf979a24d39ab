/**
 * What every benchmark hands back: its printed table and its targets, so the runner can print
 * a summary and write the figures to a file for bench/README.md.
 */
export interface Target {
  name: string;
  /** undefined when the target could not be checked in this run (e.g. no dockerd). */
  met: boolean | undefined;
  /** The measured figure against the goal, in words. */
  detail: string;
}

export interface BenchResult {
  id: number;
  title: string;
  /** Rows of label → value, printed as an aligned table. */
  rows: Array<[string, string]>;
  targets: Target[];
  notes: string[];
}

export function printResult(r: BenchResult, write: (s: string) => void): void {
  write(`\n## ${r.id}. ${r.title}\n`);
  const width = Math.max(0, ...r.rows.map(([k]) => k.length));
  for (const [k, v] of r.rows) write(`  ${k.padEnd(width)}  ${v}\n`);
  for (const n of r.notes) write(`  note: ${n}\n`);
  for (const t of r.targets) write(`  target ${mark(t.met)} ${t.name}: ${t.detail}\n`);
}

export function mark(met: boolean | undefined): string {
  return met === undefined ? "[skip]" : met ? "[met] " : "[MISS]";
}

/** The same figures as Markdown, for bench/README.md. */
export function markdown(results: BenchResult[], machine: Array<[string, string]>): string {
  const out: string[] = ["| machine | |", "|---|---|", ...machine.map(([k, v]) => `| ${k} | ${v} |`), ""];
  for (const r of results) {
    out.push(`### ${r.id}. ${r.title}`, "", "| figure | value |", "|---|---|");
    for (const [k, v] of r.rows) out.push(`| ${k} | ${v} |`);
    out.push("");
    for (const t of r.targets) out.push(`- ${mark(t.met).trim()} ${t.name}: ${t.detail}`);
    for (const n of r.notes) out.push(`- note: ${n}`);
    out.push("");
  }
  return out.join("\n");
}
