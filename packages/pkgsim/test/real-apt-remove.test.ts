import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RootFS } from "@tsbuild/fs-snapshot";
import { Fetcher } from "@tsbuild/fetch";
import { debianRoot, serveArchive, type DebSpec } from "./tiny-archive.js";
import { runSimulated } from "./support.js";

// Each script records its name, argument, package, and whether the package's files are still there.
// (No `set -e`: tsbuild's shell exits on a false `if` condition under it — a shell gap, reported.)
const record = (file: string) =>
  `#!/bin/sh\nif [ -e ${file} ]; then there=yes; else there=no; fi\necho "$DPKG_MAINTSCRIPT_NAME $1 $DPKG_MAINTSCRIPT_PACKAGE $DPKG_MAINTSCRIPT_ARCH root=$DPKG_ROOT ${file}=$there" >> /var/log/scripts\n`;

const SPECS: DebSpec[] = [
  // alternatives and providers, weighed against Conflicts/Breaks
  { name: "app", version: "1", fields: { Depends: "backend-a | backend-b" }, files: [{ path: "/usr/bin/app", data: "app" }] },
  { name: "backend-a", version: "1", fields: { Conflicts: "legacy (<< 2)" }, files: [{ path: "/usr/lib/backend-a", data: "a" }] },
  { name: "backend-b", version: "1", files: [{ path: "/usr/lib/backend-b", data: "b" }] },
  { name: "webapp", version: "1", fields: { Depends: "tls-lib, httpd" }, files: [{ path: "/usr/bin/webapp", data: "w" }] },
  { name: "tls-lib", version: "1", files: [{ path: "/usr/lib/tls", data: "t" }] },
  { name: "httpd-one", version: "1", fields: { Provides: "httpd", Breaks: "tls-lib (<= 1)" }, files: [{ path: "/usr/sbin/httpd-one", data: "1" }] },
  { name: "httpd-two", version: "1", fields: { Provides: "httpd" }, files: [{ path: "/usr/sbin/httpd-two", data: "2" }] },
  // the "replace a package" pattern: Replaces + Conflicts, the same path in both
  { name: "oldtool", version: "1", files: [{ path: "/usr/bin/tool", data: "old tool" }, { path: "/usr/share/oldtool/data", data: "d" }], scripts: { prerm: record("/usr/bin/tool") } },
  { name: "newtool", version: "2", fields: { Conflicts: "oldtool", Replaces: "oldtool", Provides: "oldtool" }, files: [{ path: "/usr/bin/tool", data: "new tool" }] },
  { name: "rebel", version: "1", fields: { Conflicts: "coreutils-x" }, files: [{ path: "/usr/bin/rebel", data: "r" }] },
  // prerm/postrm on removal
  {
    name: "svc", version: "1.0-1",
    files: [{ path: "/usr/bin/svc", data: "svc" }, { path: "/etc/svc.conf", data: "port=1\n" }],
    conffiles: ["/etc/svc.conf"],
    scripts: { prerm: record("/usr/bin/svc"), postrm: record("/etc/svc.conf") },
  },
  { name: "svc-broken", version: "1", files: [{ path: "/usr/bin/svcb", data: "x" }], scripts: { prerm: "#!/bin/sh\nset -e\nsurely-not-a-program stop\n" } },
];

let archive: Awaited<ReturnType<typeof serveArchive>>;
const dirs: string[] = [];

beforeAll(async () => {
  archive = await serveArchive(SPECS);
});
afterAll(async () => {
  await archive.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const run = (fs: RootFS, fetcher: Fetcher, argv: string[]) => runSimulated(`/usr/bin/${argv[0]}`, fs, fetcher, argv);

async function updatedRoot(installed = "") {
  const fs = debianRoot(archive);
  if (installed) fs.writeFile("/var/lib/dpkg/status", fs.readFile("/var/lib/dpkg/status").toString("utf8") + installed);
  const d = mkdtempSync(join(tmpdir(), "tsbuild-aptfix-"));
  dirs.push(d);
  const f = new Fetcher({ cache: d, offline: false });
  expect((await run(fs, f, ["apt-get", "update"])).code).toBe(0);
  return { fs, f };
}

const stanza = (name: string, version: string, extra = "") =>
  `Package: ${name}\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: ${version}\n${extra}Description: ${name}\n\n`;
const text = (fs: RootFS, p: string) => fs.readFile(p).toString("utf8");
const info = (fs: RootFS, pkg: string) => fs.readdir("/var/lib/dpkg/info").filter((n) => n.startsWith(`${pkg}.`)).sort();

describe("apt's choice weighs Conflicts/Breaks", () => {
  it("skips an alternative that conflicts with an installed package, by version", async () => {
    const { fs, f } = await updatedRoot(stanza("legacy", "1.5"));
    const r = await run(fs, f, ["apt-get", "install", "-y", "app"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("The following additional packages will be installed:\n  backend-b\n");
    expect(fs.exists("/usr/lib/backend-a")).toBe(false);
    // legacy 3 is not under "<< 2": the first alternative stands
    const newer = await updatedRoot(stanza("legacy", "3"));
    expect((await run(newer.fs, newer.f, ["apt-get", "install", "-y", "app"])).stdout).toContain("additional packages will be installed:\n  backend-a\n");
  });

  it("skips a provider that breaks a package already chosen", async () => {
    const { fs, f } = await updatedRoot();
    const r = await run(fs, f, ["apt-get", "install", "-y", "webapp"]);
    expect(r.code).toBe(0);
    expect(fs.exists("/usr/sbin/httpd-two")).toBe(true);
    expect(fs.exists("/usr/sbin/httpd-one")).toBe(false);
  });

  it("removes an installed package a requested one conflicts with; Replaces lets its file move", async () => {
    const { fs, f } = await updatedRoot();
    expect((await run(fs, f, ["apt-get", "install", "-y", "oldtool"])).code).toBe(0);
    const r = await run(fs, f, ["apt-get", "install", "-y", "newtool"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("The following packages will be REMOVED:\n  oldtool\nThe following NEW packages will be installed:\n  newtool\n");
    expect(r.stdout).toContain("0 upgraded, 1 newly installed, 1 to remove and 0 not upgraded.");
    expect(r.stdout).toMatch(/Removing oldtool \(1\) \.\.\.\n[^]*Unpacking newtool \(2\) \.\.\./);
    expect(text(fs, "/usr/bin/tool")).toBe("new tool");
    expect(fs.exists("/usr/share/oldtool")).toBe(false);
    expect(text(fs, "/var/lib/dpkg/status")).not.toContain("Package: oldtool");
    expect(info(fs, "oldtool")).toEqual([]);
    expect(text(fs, "/var/lib/dpkg/info/newtool.list")).toContain("/usr/bin/tool\n");
    expect(text(fs, "/var/log/scripts")).toBe("prerm remove oldtool amd64 root= /usr/bin/tool=yes\n");
    expect(text(fs, "/var/log/apt/history.log")).toContain("Remove: oldtool:amd64 (1)\n");
  });

  it("refuses, in apt's words, when the installed package is essential", async () => {
    const { fs, f } = await updatedRoot(stanza("coreutils-x", "1", "Essential: yes\n"));
    const r = await run(fs, f, ["apt-get", "install", "-y", "rebel"]);
    expect(r.code).toBe(100);
    expect(r.stdout).toContain("The following packages have unmet dependencies:\n rebel : Conflicts: coreutils-x but 1 is to be installed\n");
    expect(r.stderr).toContain("E: Unable to correct problems, you have held broken packages.");
    expect(fs.exists("/usr/bin/rebel")).toBe(false);
  });
});

describe("a conflict on the installed side", () => {
  it("an installed package that conflicts with the requested one is removed; one that others need is not", async () => {
    const { fs, f } = await updatedRoot(stanza("grumpy", "1", "Conflicts: tls-lib\n"));
    const r = await run(fs, f, ["apt-get", "install", "-y", "tls-lib"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("The following packages will be REMOVED:\n  grumpy\n");
    expect(text(fs, "/var/lib/dpkg/status")).not.toContain("Package: grumpy\n");
    const needed = await updatedRoot(stanza("grumpy", "1", "Conflicts: tls-lib\n") + stanza("fan", "1", "Depends: grumpy\n"));
    const refused = await run(needed.fs, needed.f, ["apt-get", "install", "-y", "tls-lib"]);
    expect(refused.code).toBe(100);
    expect(refused.stdout).toContain(" grumpy : Conflicts: tls-lib but 1 is to be installed\n");
    expect(text(needed.fs, "/var/lib/dpkg/status")).toContain("Package: grumpy\n");
    // a dependency the requested package satisfies itself (Provides) does not hold the old one back
    const provided = await updatedRoot(stanza("oldtool", "1") + stanza("fan", "1", "Depends: oldtool\n"));
    const moved = await run(provided.fs, provided.f, ["apt-get", "install", "-y", "newtool"]);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain("The following packages will be REMOVED:\n  oldtool\n");
  });
});

describe("removal runs prerm/postrm and leaves dpkg's database as dpkg does", () => {
  it("apt-get remove: prerm before the files go, postrm after; config-files state; dpkg -P purges", async () => {
    const { fs, f } = await updatedRoot();
    expect((await run(fs, f, ["apt-get", "install", "-y", "svc"])).code).toBe(0);
    const r = await run(fs, f, ["apt-get", "remove", "-y", "svc"]);
    expect(r.code).toBe(0);
    expect(r.notes.join("\n")).not.toContain("svc.");
    expect(text(fs, "/var/log/scripts")).toBe("prerm remove svc amd64 root= /usr/bin/svc=yes\npostrm remove svc amd64 root= /etc/svc.conf=yes\n");
    expect(fs.exists("/usr/bin/svc")).toBe(false);
    expect(text(fs, "/etc/svc.conf")).toBe("port=1\n");
    expect(text(fs, "/var/lib/dpkg/status")).toContain("Package: svc\nStatus: deinstall ok config-files\n");
    expect(info(fs, "svc")).toEqual(["svc.list", "svc.postrm"]);
    expect(text(fs, "/var/lib/dpkg/info/svc.list")).toContain("/etc/svc.conf\n");
    expect(text(fs, "/var/lib/dpkg/info/svc.list")).not.toContain("/usr/bin/svc");
    const again = await run(fs, f, ["dpkg", "-r", "svc"]);
    expect(again.stderr).toContain("dpkg: warning: ignoring request to remove svc, only the config\n files of which are on the system; use --purge to remove them too");
    // dpkg -P of a package in config-files state purges what is left
    const p = await run(fs, f, ["dpkg", "-P", "svc"]);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain("Purging configuration files for svc (1.0-1) ...");
    expect(p.stdout).not.toContain("Removing svc");
    expect(text(fs, "/var/log/scripts")).toMatch(/postrm remove svc amd64 root= \/etc\/svc.conf=yes\npostrm purge svc amd64 root= \/etc\/svc.conf=no\n$/);
    expect(fs.exists("/etc/svc.conf")).toBe(false);
    expect(text(fs, "/var/lib/dpkg/status")).not.toContain("Package: svc\n");
    expect(info(fs, "svc")).toEqual([]);
  });

  it("dpkg -P: postrm purge after the conffiles are gone, then no trace", async () => {
    const { fs, f } = await updatedRoot();
    expect((await run(fs, f, ["apt-get", "install", "-y", "svc"])).code).toBe(0);
    fs.writeFile("/etc/svc.conf.dpkg-dist", "port=2\n");
    fs.writeFile("/etc/svc.conf.keep", "mine\n");
    const r = await run(fs, f, ["dpkg", "-P", "svc"]);
    expect(r.code).toBe(0);
    // the copies dpkg leaves next to a conffile go with it; other files stay
    expect(fs.exists("/etc/svc.conf.dpkg-dist")).toBe(false);
    expect(fs.exists("/etc/svc.conf.keep")).toBe(true);
    expect(r.stdout).toContain("Removing svc (1.0-1) ...\nPurging configuration files for svc (1.0-1) ...\n");
    expect(text(fs, "/var/log/scripts")).toBe("prerm remove svc amd64 root= /usr/bin/svc=yes\npostrm remove svc amd64 root= /etc/svc.conf=yes\npostrm purge svc amd64 root= /etc/svc.conf=no\n");
    expect(fs.exists("/etc/svc.conf")).toBe(false);
    expect(text(fs, "/var/lib/dpkg/status")).not.toContain("Package: svc\n");
    expect(info(fs, "svc")).toEqual([]);
  });

  it("apt-get purge does the same; a script that cannot run is named; dpkg -r refuses what others need", async () => {
    const { fs, f } = await updatedRoot();
    expect((await run(fs, f, ["apt-get", "install", "-y", "svc", "svc-broken", "app"])).code).toBe(0);
    expect((await run(fs, f, ["apt-get", "remove", "-y", "svc"])).code).toBe(0);
    // purge takes the config-files package too
    const r = await run(fs, f, ["apt-get", "purge", "-y", "svc", "svc-broken"]);
    expect(r.stdout).toContain("The following packages will be REMOVED:\n  svc* svc-broken*\n");
    expect(r.code).toBe(0);
    expect(text(fs, "/var/log/scripts")).toContain("postrm purge svc amd64 root= /etc/svc.conf=no\n");
    expect(text(fs, "/var/lib/dpkg/status")).not.toMatch(/Package: svc(-broken)?\n/);
    expect(r.notes.join("\n")).toMatch(/svc-broken\.prerm remove \(exit 127 in tsbuild's shell: .*surely-not-a-program/);
    expect(fs.exists("/usr/bin/svcb")).toBe(false);
    const refused = await run(fs, f, ["dpkg", "-r", "backend-a"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("dpkg: dependency problems prevent removal of backend-a:\n app depends on backend-a | backend-b.\n");
    expect(fs.exists("/usr/lib/backend-a")).toBe(true);
    const ok = await run(fs, f, ["dpkg", "-r", "app"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("Removing app (1) ...");
    // no conffiles, no postrm: dpkg goes straight on to purge
    expect(text(fs, "/var/lib/dpkg/status")).not.toContain("Package: app\n");
  });
});
