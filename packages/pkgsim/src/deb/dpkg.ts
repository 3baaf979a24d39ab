import type { SimCommand, SimCommandContext } from "../sim-types.js";
import { appendText, readText } from "../util/fsutil.js";
import { outOf, type Out } from "../util/output.js";
import { field, parseRelations, serializeParagraphs, type Paragraph } from "./control.js";
import { removalScripts } from "./real/apt-real.js";
import { dpkgRemove } from "./real/remove.js";
import { INFO, isInstalled, qualifiedName, readStatus, writeStatus, type DpkgPackage } from "./state.js";
import { databaseCount, dirsOfOthers } from "./unpack.js";
import { compareVersionsCommand, dpkgUsage, validateVersion } from "./version-enquiry.js";

/** dpkg -l: the selection/status letters and a table sized to its content. */
function listTable(pkgs: DpkgPackage[]): string[] {
  const name = (p: DpkgPackage) => qualifiedName(p.name, p.multiArch);
  const w1 = Math.max(14, ...pkgs.map((p) => name(p).length));
  const w2 = Math.max(12, ...pkgs.map((p) => p.version.length));
  const w3 = Math.max(12, ...pkgs.map((p) => p.architecture.length));
  const pad = (s: string, w: number) => s.padEnd(w);
  const lines = [
    "Desired=Unknown/Install/Remove/Purge/Hold",
    "| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend",
    "|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)",
    `||/ ${pad("Name", w1)} ${pad("Version", w2)} ${pad("Architecture", w3)} Description`,
    `+++-${"=".repeat(w1)}-${"=".repeat(w2)}-${"=".repeat(w3)}-${"=".repeat(Math.max(12, 80 - 7 - w1 - w2 - w3))}`,
  ];
  for (const p of pkgs) {
    const [want, , state] = p.status.split(" ");
    const flag = (want === "install" ? "i" : want === "deinstall" ? "r" : want === "purge" ? "p" : "u") +
      (state === "installed" ? "i" : state === "config-files" ? "c" : state === "unpacked" ? "U" : "n");
    lines.push(`${flag}  ${pad(name(p), w1)} ${pad(p.version, w2)} ${pad(p.architecture, w3)} ${p.description.split("\n")[0]}`);
  }
  return lines;
}

function globRe(glob: string): RegExp {
  return new RegExp("^" + glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
}

/** `dpkg` / `dpkg-query`: -l, -L, -s, -S, --print-architecture, --get-selections. */
export const dpkg: SimCommand = async (ctx) => {
  const out = outOf(ctx);
  const args = ctx.argv.slice(1);
  const op = args.find((a) => a.startsWith("-")) ?? "";
  const rest = args.filter((a) => !a.startsWith("-"));
  const status = readStatus(ctx.fs);
  const find = (n: string) => status.find((p) => p.name === n.replace(/:.*$/, ""));
  switch (op) {
    case "--print-architecture":
      out.out("amd64");
      return 0;
    // Maintainer scripts ask these (dpkg-maintscript-helper validates every version it is given).
    case "--validate-version":
      return validateVersion(out, args.slice(args.indexOf(op) + 1));
    case "--compare-versions":
      return compareVersionsCommand(out, args.slice(args.indexOf(op) + 1));
    case "-l": case "--list": {
      let pkgs = status.filter((p) => p.status !== "not-installed");
      if (rest.length) pkgs = status.filter((p) => rest.some((g) => globRe(g).test(p.name)));
      if (rest.length && pkgs.length === 0) {
        out.err(`dpkg-query: no packages found matching ${rest.join(" ")}`);
        return 1;
      }
      listTable(pkgs.sort((a, b) => (a.name < b.name ? -1 : 1))).forEach((l) => out.out(l));
      return 0;
    }
    case "-L": case "--listfiles": {
      let rc = 0;
      for (const n of rest) {
        const p = find(n);
        const list = p ? readText(ctx.fs, `${INFO}/${qualifiedName(p.name, p.multiArch)}.list`) : undefined;
        if (!p || list === undefined) {
          out.err(`dpkg-query: package '${n}' is not installed`);
          out.err("Use dpkg --contents (= dpkg-deb --contents) to list archive files contents.");
          rc = 1;
          continue;
        }
        ctx.stdout(list);
      }
      return rc;
    }
    case "-s": case "--status": {
      let rc = 0;
      for (const n of rest) {
        const p = find(n);
        if (!p) { out.err(`dpkg-query: package '${n}' is not installed and no information is available`); rc = 1; continue; }
        ctx.stdout(serializeParagraphs([p.para]).replace(/\n$/, ""));
      }
      return rc;
    }
    case "-S": case "--search": {
      let rc = 0;
      for (const pattern of rest) {
        const hits: string[] = [];
        if (ctx.fs.exists(INFO)) for (const f of ctx.fs.readdir(INFO)) {
          if (!f.endsWith(".list")) continue;
          const lines = (readText(ctx.fs, `${INFO}/${f}`) ?? "").split("\n");
          const re = pattern.includes("*") ? globRe(pattern) : undefined;
          if (lines.some((l) => (re ? re.test(l) : l === pattern || l.endsWith(pattern)))) hits.push(f.slice(0, -5));
        }
        if (hits.length) out.out(`${hits.join(", ")}: ${pattern}`);
        else { out.err(`dpkg-query: no path found matching pattern ${pattern}`); rc = 1; }
      }
      return rc;
    }
    case "--get-selections":
      for (const p of status.filter(isInstalled)) out.out(`${qualifiedName(p.name, p.multiArch).padEnd(47)}\tinstall`);
      return 0;
    case "-r": case "--remove": case "-P": case "--purge":
      return removeCommand(ctx, out, status, rest, op === "-P" || op === "--purge");
    case "-i": case "--install":
      out.err(`dpkg: error: cannot access archive '${rest[0] ?? ""}': tsbuild does not simulate installing local .deb files`);
      return 2;
    default:
      return dpkgUsage(out, op ? `unknown option ${op}` : "need an action option");
  }
};

/**
 * `dpkg -r` / `dpkg -P`: refuses an essential package and one that an installed package still
 * depends on (dpkg's words), else removes as dpkg does (prerm/postrm through tsbuild's shell on
 * images with a real dpkg).
 */
async function removeCommand(ctx: SimCommandContext, out: Out, status: DpkgPackage[], names: string[], purge: boolean): Promise<number> {
  if (!names.length) {
    out.err(`dpkg: error: --${purge ? "purge" : "remove"} needs at least one package name argument`);
    return 2;
  }
  const op = purge ? "--purge" : "--remove";
  const byName = new Map(status.map((p) => [p.name, p]));
  const targets: DpkgPackage[] = [];
  const failed: string[] = [];
  for (const raw of names) {
    const n = raw.replace(/:.*$/, "");
    const p = byName.get(n);
    if (p?.status.endsWith(" config-files")) {
      if (purge) targets.push(p);
      else out.err(`dpkg: warning: ignoring request to remove ${n}, only the config\n files of which are on the system; use --purge to remove them too`);
      continue;
    }
    if (!p || !isInstalled(p)) {
      out.err(`dpkg: warning: ignoring request to remove ${n} which isn't installed`);
      continue;
    }
    targets.push(p);
  }
  const going = new Set(targets.map((p) => p.name));
  const ok: DpkgPackage[] = [];
  for (const p of targets) {
    if (!isInstalled(p)) { ok.push(p); continue; }
    if (p.essential) {
      out.err(`dpkg: error processing package ${p.name} (${op}):\n this is an essential package; it should not be removed`);
      failed.push(p.name);
      continue;
    }
    const provided = new Set([p.name, ...p.provides]);
    const users: string[] = [];
    for (const o of status) {
      if (!isInstalled(o) || going.has(o.name)) continue;
      for (const f of ["Pre-Depends", "Depends"]) {
        for (const alts of parseRelations(field(o.para, f))) {
          if (!alts.some((a) => provided.has(a.name))) continue;
          // another installed alternative keeps the dependency satisfied
          if (alts.some((a) => !provided.has(a.name) && status.some((x) => isInstalled(x) && !going.has(x.name) && (x.name === a.name || x.provides.includes(a.name))))) continue;
          users.push(` ${o.name} ${f === "Depends" ? "depends" : "pre-depends"} on ${alts.map((a) => (a.constraint ? `${a.name} (${a.constraint})` : a.name)).join(" | ")}.`);
        }
      }
    }
    if (users.length) {
      out.err(`dpkg: dependency problems prevent removal of ${p.name}:`);
      users.forEach((l) => out.err(l));
      out.err("");
      out.err(`dpkg: error processing package ${p.name} (${op}):\n dependency problems - not removing`);
      failed.push(p.name);
      continue;
    }
    ok.push(p);
  }
  if (ok.length) {
    const fs = ctx.fs;
    out.out(`(Reading database ... ${databaseCount(fs)} files and directories currently installed.)`);
    const notRun: string[] = [];
    const rc = { fs, out: (l: string) => out.out(l), shared: dirsOfOthers(fs, new Set(ok.map((p) => p.name))), notRun, runScript: removalScripts(ctx) };
    const now = (ctx.now?.() ?? new Date()).toISOString().replace("T", " ").slice(0, 19);
    const after = new Map<string, Paragraph | undefined>();
    const log: string[] = [];
    for (const p of ok) {
      after.set(p.name, await dpkgRemove(rc, p, purge));
      log.push(`${now} remove ${p.name}:${p.architecture} ${p.version} <none>`);
      if (purge) log.push(`${now} purge ${p.name}:${p.architecture} ${p.version} <none>`);
    }
    writeStatus(fs, status.flatMap((p) => (after.has(p.name) ? (after.get(p.name) ? [after.get(p.name)!] : []) : [p.para])));
    appendText(fs, "/var/log/dpkg.log", log.map((l) => l + "\n").join(""));
    if (notRun.length) ctx.note?.(`dpkg: tsbuild did not run these maintainer scripts: ${notRun.join(", ")}`);
  }
  if (failed.length) {
    out.err("Errors were encountered while processing:");
    failed.forEach((n) => out.err(` ${n}`));
    return 1;
  }
  return 0;
}
