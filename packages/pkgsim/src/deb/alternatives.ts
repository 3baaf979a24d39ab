import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { SimCommand } from "../sim-types.js";
import { appendText, lexists, readText, removeIfPresent, writeText } from "../util/fsutil.js";
import { outOf, type Out } from "../util/output.js";

/**
 * `update-alternatives` (dpkg 1.21), the commands maintainer scripts run: --install, --remove,
 * --remove-all, --set and --auto, with the admin files, links, words and log of the real program
 * (differential test against the host's update-alternatives --root). Debian's nodejs, editors,
 * pagers and awk register themselves through it in postinst.
 */
const ALTDIR = "/etc/alternatives";
const ADMINDIR = "/var/lib/dpkg/alternatives";
const LOG = "/var/log/alternatives.log";

interface Choice {
  path: string;
  priority: number;
  /** Slave name → the path this choice gives it ("" for none). */
  slaves: Map<string, string>;
}

interface Group {
  name: string;
  mode: "auto" | "manual";
  link: string;
  /** Slave name → its link, in the order they were added. */
  slaves: Map<string, string>;
  /** Sorted by path, as dpkg writes them. */
  choices: Choice[];
}

const USAGE_HINT = "\n\nUse 'update-alternatives --help' for program usage information.";

export const updateAlternatives: SimCommand = async (ctx) => {
  const out = outOf(ctx);
  const args = ctx.argv.slice(1);
  const now = ctx.now?.() ?? new Date();
  let quiet = false;
  const positional: string[] = [];
  for (const a of args) {
    if (a === "--quiet") quiet = true;
    else if (a === "--verbose" || a === "--debug") quiet = false;
    else positional.push(a);
  }
  const ua = new Run(ctx.fs, out, quiet, now, `run with ${args.join(" ")}`);
  const [action, ...rest] = positional;
  switch (action) {
    case "--install":
      return ua.install(rest);
    case "--remove":
      return rest.length === 2 ? ua.remove(rest[0], rest[1]) : ua.usage("--remove needs <name> <path>");
    case "--remove-all":
      return rest.length === 1 ? ua.removeAll(rest[0]) : ua.usage("--remove-all needs <name>");
    case "--set":
      return rest.length === 2 ? ua.set(rest[0], rest[1]) : ua.usage("--set needs <name> <path>");
    case "--auto":
      return rest.length === 1 ? ua.auto(rest[0]) : ua.usage("--auto needs <name>");
    default:
      out.err(`update-alternatives: error: ${action ? `tsbuild does not simulate update-alternatives ${action}` : "need --display, --query, --list, --get-selections, --config, --set, --set-selections, --install, --remove, --all, --remove-all or --auto"}`);
      return 2;
  }
};

class Run {
  constructor(
    private readonly fs: FileSystem,
    private readonly out: Out,
    private readonly quiet: boolean,
    private readonly now: Date,
    /** The log's line for this run, written once its arguments have passed the checks. */
    private readonly runLine: string,
  ) {}

  private ran = false;

  log(what: string): void {
    const t = this.now.toISOString().replace("T", " ").slice(0, 19);
    if (!this.ran) {
      this.ran = true;
      appendText(this.fs, LOG, `update-alternatives ${t}: ${this.runLine}\n`);
    }
    if (what) appendText(this.fs, LOG, `update-alternatives ${t}: ${what}\n`);
  }

  usage(message: string): number {
    this.out.err(`update-alternatives: ${message}${USAGE_HINT}`);
    return 2;
  }

  private error(message: string): number {
    this.out.err(`update-alternatives: error: ${message}`);
    return 2;
  }

  install(rest: string[]): number {
    const [link, name, path, prio, ...more] = rest;
    if (prio === undefined) return this.usage("--install needs <link> <name> <path> <priority>");
    if (!/^[+-]?\d+$/.test(prio)) return this.usage(`priority '${prio}' must be an integer`);
    const slaves: Array<[string, string, string]> = [];
    for (let i = 0; i < more.length; i += 4) {
      if (more[i] !== "--slave" || more[i + 3] === undefined) return this.usage("--slave needs <link> <name> <path>");
      slaves.push([more[i + 1], more[i + 2], more[i + 3]]);
    }
    if (!lexists(this.fs, path)) return this.error(`alternative path ${path} doesn't exist`);
    this.log("");
    const g = this.load(name) ?? { name, mode: "auto", link, slaves: new Map(), choices: [] };
    // Reinstalling the current choice with slave links the group did not have relinks it, and says so.
    const slavesChanged = this.current(g) === path &&
      slaves.some(([slaveLink, slaveName, slavePath]) => g.slaves.get(slaveName) !== slaveLink && lexists(this.fs, slavePath));
    g.link = link;
    for (const [slaveLink, slaveName] of slaves) g.slaves.set(slaveName, slaveLink);
    const choice: Choice = { path, priority: Number(prio), slaves: new Map(slaves.map(([, n, p]) => [n, p])) };
    g.choices = [...g.choices.filter((c) => c.path !== path), choice].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return this.update(g, g.mode === "manual" ? this.choiceOf(g, this.current(g)) ?? this.best(g) : this.best(g), slavesChanged);
  }

  remove(name: string, path: string): number {
    const g = this.load(name);
    if (!g) return 0;
    this.log("");
    if (!g.choices.some((c) => c.path === path)) return 0;
    const current = this.current(g);
    g.choices = g.choices.filter((c) => c.path !== path);
    if (current === path && g.mode === "manual") {
      this.info(`removing manually selected alternative - switching ${name} to auto mode`);
      this.setMode(g, "auto");
    }
    if (g.choices.length === 0) return this.drop(g);
    if (current === path) return this.update(g, this.best(g));
    this.save(g);
    return 0;
  }

  removeAll(name: string): number {
    const g = this.load(name);
    if (!g) return this.error(`no alternatives for ${name}`);
    this.log("");
    return this.drop(g);
  }

  set(name: string, path: string): number {
    const g = this.load(name);
    if (!g) return this.error(`no alternatives for ${name}`);
    this.log("");
    const choice = this.choiceOf(g, path);
    if (!choice) return this.error(`alternative ${path} for ${name} not registered; not setting`);
    this.setMode(g, "manual");
    return this.update(g, choice);
  }

  auto(name: string): number {
    const g = this.load(name);
    if (!g) return this.error(`no alternatives for ${name}`);
    this.log("");
    this.setMode(g, "auto");
    return this.update(g, this.best(g));
  }

  private setMode(g: Group, mode: Group["mode"]): void {
    if (g.mode === mode) return;
    g.mode = mode;
    this.log(`status of link group ${g.link} set to ${mode}`);
  }

  /** dpkg's alternative_get_best: the current choice unless another has a strictly higher priority. */
  private best(g: Group): Choice {
    let best = this.choiceOf(g, this.current(g)) ?? g.choices[0];
    for (const c of g.choices) if (c.priority > best.priority) best = c;
    return best;
  }

  private choiceOf(g: Group, path: string | undefined): Choice | undefined {
    return path === undefined ? undefined : g.choices.find((c) => c.path === path);
  }

  private current(g: Group): string | undefined {
    try {
      return this.fs.readlink(`${ALTDIR}/${g.name}`);
    } catch {
      return undefined;
    }
  }

  /**
   * Points the group at `choice`: says so when that changes what it provides. Links are touched
   * (and missing slave files warned about) only when one of them is not as the choice wants it.
   */
  private update(g: Group, choice: Choice, slavesChanged = false): number {
    const changed = this.current(g) !== choice.path;
    if (changed) {
      this.info(`using ${choice.path} to provide ${g.link} (${g.name}) in ${g.mode} mode`);
      this.log(`link group ${g.name} updated to point to ${choice.path}`);
    }
    const slaveTarget = (slaveName: string) => {
      const target = choice.slaves.get(slaveName) ?? "";
      return target && lexists(this.fs, target) ? target : undefined;
    };
    const linksRight =
      this.pointsTo(`${ALTDIR}/${g.name}`, choice.path) &&
      (this.pointsTo(g.link, `${ALTDIR}/${g.name}`) || (lexists(this.fs, g.link) && !this.isLink(g.link))) &&
      [...g.slaves].every(([slaveName, slaveLink]) => {
        const target = slaveTarget(slaveName);
        return target
          ? this.pointsTo(`${ALTDIR}/${slaveName}`, target) && this.pointsTo(slaveLink, `${ALTDIR}/${slaveName}`)
          : !lexists(this.fs, `${ALTDIR}/${slaveName}`) && !this.isLink(slaveLink);
      });
    if (!changed && slavesChanged) {
      this.info(`updating alternative ${choice.path} because link group ${g.name} has changed slave links`);
      this.log(`link group ${g.name} updated with changed slaves`);
    } else if (!changed && linksRight) {
      this.save(g);
      return 0;
    } else if (!changed) {
      this.warn(`forcing reinstallation of alternative ${choice.path} because link group ${g.name} is broken`);
      this.log(`auto-repair link group ${g.name}`);
    }
    this.relink(`${ALTDIR}/${g.name}`, choice.path);
    this.masterLink(g.link, `${ALTDIR}/${g.name}`);
    for (const [slaveName, slaveLink] of g.slaves) {
      const target = slaveTarget(slaveName);
      if (target) {
        this.relink(`${ALTDIR}/${slaveName}`, target);
        this.masterLink(slaveLink, `${ALTDIR}/${slaveName}`);
        continue;
      }
      const wanted = choice.slaves.get(slaveName);
      if (wanted) this.warn(`skip creation of ${slaveLink} because associated file ${wanted} (of link group ${g.name}) doesn't exist`);
      removeIfPresent(this.fs, `${ALTDIR}/${slaveName}`);
      if (this.isLink(slaveLink)) this.fs.unlink(slaveLink);
    }
    this.save(g);
    return 0;
  }

  private pointsTo(link: string, target: string): boolean {
    return this.isLink(link) && this.fs.readlink(link) === target;
  }

  private drop(g: Group): number {
    removeIfPresent(this.fs, `${ALTDIR}/${g.name}`);
    if (this.isLink(g.link)) this.fs.unlink(g.link);
    for (const [slaveName, slaveLink] of g.slaves) {
      removeIfPresent(this.fs, `${ALTDIR}/${slaveName}`);
      if (this.isLink(slaveLink)) this.fs.unlink(slaveLink);
    }
    removeIfPresent(this.fs, `${ADMINDIR}/${g.name}`);
    this.log(`link group ${g.name} fully removed`);
    return 0;
  }

  /** A link in the group's public place: never over a real file (dpkg warns and leaves it). */
  private masterLink(link: string, target: string): void {
    if (lexists(this.fs, link) && !this.isLink(link)) {
      this.warn(`not replacing ${link} with a link`);
      return;
    }
    this.relink(link, target);
  }

  private relink(link: string, target: string): void {
    if (this.isLink(link)) {
      if (this.fs.readlink(link) === target) return;
      this.fs.unlink(link);
    } else if (lexists(this.fs, link)) {
      removeIfPresent(this.fs, link);
    }
    this.fs.symlink(target, link, { owner: { uid: 0, gid: 0 } });
  }

  private isLink(path: string): boolean {
    try {
      return this.fs.lstat(path).type === "symlink";
    } catch {
      return false;
    }
  }

  private info(message: string): void {
    if (!this.quiet) this.out.out(`update-alternatives: ${message}`);
  }

  private warn(message: string): void {
    if (!this.quiet) this.out.err(`update-alternatives: warning: ${message}`);
  }

  /** The admin file: mode, link, slave name/link pairs, a blank line, then per choice its path, priority and slave paths. */
  private load(name: string): Group | undefined {
    const text = readText(this.fs, `${ADMINDIR}/${name}`);
    if (text === undefined) return undefined;
    const lines = text.split("\n");
    let i = 0;
    const mode = lines[i++] === "manual" ? "manual" : "auto";
    const link = lines[i++] ?? "";
    const slaves = new Map<string, string>();
    while (i < lines.length && lines[i] !== "") {
      slaves.set(lines[i], lines[i + 1] ?? "");
      i += 2;
    }
    i++;
    const choices: Choice[] = [];
    while (i < lines.length && lines[i] !== "") {
      const path = lines[i++];
      const priority = Number(lines[i++]);
      const paths = new Map<string, string>();
      for (const slaveName of slaves.keys()) paths.set(slaveName, lines[i++] ?? "");
      choices.push({ path, priority, slaves: paths });
    }
    return { name, mode, link, slaves, choices };
  }

  private save(g: Group): void {
    // A slave no choice provides any more leaves the group (its links went with the update).
    for (const slaveName of [...g.slaves.keys()]) if (g.choices.every((c) => !c.slaves.get(slaveName))) g.slaves.delete(slaveName);
    const lines = [g.mode, g.link];
    for (const [slaveName, slaveLink] of g.slaves) lines.push(slaveName, slaveLink);
    lines.push("");
    for (const c of g.choices) {
      lines.push(c.path, String(c.priority));
      for (const slaveName of g.slaves.keys()) lines.push(c.slaves.get(slaveName) ?? "");
    }
    lines.push("", "");
    writeText(this.fs, `${ADMINDIR}/${g.name}`, lines.join("\n"));
  }
}
