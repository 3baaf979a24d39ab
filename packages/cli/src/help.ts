import type { Command } from "./command.js";
import { optionLine } from "./help-text.js";

/** `docker build --help`'s layout: usage, summary, then one line per option, short flag first. */
export function commandHelp(cmd: Command): string {
  const rows = Object.entries(cmd.options)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, o]) => {
      const [type, text] = optionLine(cmd.name, name) ?? ["", ""];
      const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${type ? " " + type : ""}`;
      return [flag, text] as const;
    });
  return `\nUsage:  tsbuild ${cmd.usage}\n\n${cmd.summary}\n` + (rows.length ? `\nOptions:\n${table(rows)}` : "");
}

export function table(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}   ${b}`.trimEnd() + "\n").join("");
}
