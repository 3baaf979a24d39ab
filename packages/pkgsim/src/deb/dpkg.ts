import type { SimCommand } from "../sim-types.js";
import { readText } from "../util/fsutil.js";
import { outOf } from "../util/output.js";
import { serializeParagraphs } from "./control.js";
import { INFO, isInstalled, qualifiedName, readStatus, type DpkgPackage } from "./state.js";

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
    case "-i": case "--install":
      out.err(`dpkg: error: cannot access archive '${rest[0] ?? ""}': tsbuild does not simulate installing local .deb files`);
      return 2;
    default:
      out.err(op ? `dpkg: error: unknown option ${op}` : "dpkg: error: need an action option");
      out.err("\nType dpkg --help for help about installing and deinstalling packages [*];\nUse 'apt' or 'aptitude' for user-friendly package management;\nType dpkg -Dhelp for a list of dpkg debug flag values;\nType dpkg --force-help for a list of forcing options;\nType dpkg-deb --help for help about manipulating *.deb files;\n\nOptions marked [*] produce a lot of output - pipe it through 'less' or 'more' !");
      return 2;
  }
};
