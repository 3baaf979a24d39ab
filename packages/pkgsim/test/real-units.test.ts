import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { layerEntries, RootFS } from "@tsbuild/fs-snapshot";
import { compareVersions, readDeb, satisfies } from "../src/deb/real/internals.js";

describe("dpkg version order", () => {
  it("orders epochs, tildes, letters and numbers as dpkg does", () => {
    const sorted = ["1.0~rc1", "1.0", "1.0-1", "1.0-1+b1", "1.0a", "1.1", "1.10", "2:0.1"];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareVersions)).toEqual(sorted);
    expect(compareVersions("3.0.20-1~deb12u2", "3.0.20-1")).toBeLessThan(0);
    expect(satisfies("2.36-9+deb12u14", ">= 2.34")).toBe(true);
    expect(satisfies("1.0", "<< 1.0")).toBe(false);
    expect(satisfies("1.0", "= 1.0")).toBe(true);
  });
});

const hasDpkgDeb = (() => {
  try {
    execFileSync("dpkg-deb", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("reading .deb files", () => {
  it.skipIf(!hasDpkgDeb)("reads a package dpkg-deb built (data.tar.xz)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbuild-debfile-"));
    try {
      mkdirSync(join(dir, "pkg/DEBIAN"), { recursive: true });
      mkdirSync(join(dir, "pkg/usr/bin"), { recursive: true });
      writeFileSync(join(dir, "pkg/DEBIAN/control"), "Package: t\nVersion: 1\nArchitecture: all\nMaintainer: x <x@example.invalid>\nDescription: t\n");
      writeFileSync(join(dir, "pkg/usr/bin/t"), "tool\n", { mode: 0o755 });
      execFileSync("dpkg-deb", ["-Zxz", "--root-owner-group", "--build", join(dir, "pkg"), join(dir, "t.deb")], { stdio: "ignore" });
      const deb = await readDeb(readFileSync(join(dir, "t.deb")), "t.deb");
      expect(deb.control.get("control")!.toString()).toContain("Package: t");
      const tool = deb.data.find((e) => e.name === "usr/bin/t")!;
      expect(tool.data.toString()).toBe("tool\n");
      expect(tool.mode).toBe(0o755);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  if (!hasDpkgDeb) console.warn("SKIPPED: dpkg-deb is not installed, the data.tar.xz reading test did not run");

  it("refuses what is not a Debian package", async () => {
    await expect(readDeb(Buffer.from("not an archive"), "x.deb")).rejects.toThrow("x.deb: not a Debian package");
  });
});

describe("overlay2's opaque directories", () => {
  it("a directory made in the step and renamed into a lower directory is opaque; one inside it is not", async () => {
    const fs = new RootFS({ defaultMtime: new Date("2025-01-01T00:00:00Z") });
    fs.mkdir("/usr/share/doc", { recursive: true });
    fs.beginStep();
    fs.mkdir("/usr/share/doc/x.dpkg-new");
    fs.rename("/usr/share/doc/x.dpkg-new", "/usr/share/doc/x");
    fs.mkdir("/usr/share/doc/x/y.dpkg-new");
    fs.rename("/usr/share/doc/x/y.dpkg-new", "/usr/share/doc/x/y");
    const diff = await fs.commitStep();
    const names = (await layerEntries(diff.tar)).map((e) => e.path);
    expect(names).toContain("usr/share/doc/x/.wh..wh..opq");
    expect(names).not.toContain("usr/share/doc/x/y/.wh..wh..opq");
  });
});

describe("ca-certificates' configure, done natively", () => {
  it("writes the conf, the .pem links, openssl's hash links and the bundle as update-ca-certificates does", async () => {
    const { configureCaCertificates } = await import("../src/deb/real/internals.js");
    const fs = new RootFS({ defaultMtime: new Date("2025-01-01T00:00:00Z") });
    fs.mkdir("/usr/share/ca-certificates/mozilla", { recursive: true });
    fs.mkdir("/usr/local", { recursive: true, mode: 0o755, owner: { uid: 0, gid: 50 } });
    fs.mkdir("/etc/ssl/certs", { recursive: true });
    const fixtures = join(import.meta.dirname, "fixtures/ca");
    const names = ["ISRG_Root_X1.crt", "NetLock_Arany_=Class_Gold=_Főtanúsítvány.crt", "T-TeleSec_GlobalRoot_Class_3.crt"];
    for (const n of names) fs.writeFile(`/usr/share/ca-certificates/mozilla/${n}`, readFileSync(join(fixtures, n)));
    configureCaCertificates(fs);
    const conf = fs.readFile("/etc/ca-certificates.conf").toString();
    expect(conf).toMatch(/^# This file lists certificates/);
    expect(conf.endsWith("mozilla/ISRG_Root_X1.crt\nmozilla/NetLock_Arany_=Class_Gold=_Főtanúsítvány.crt\nmozilla/T-TeleSec_GlobalRoot_Class_3.crt\n")).toBe(true);
    expect(fs.readlink("/etc/ssl/certs/ISRG_Root_X1.pem")).toBe("/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt");
    // the names `openssl x509 -hash` gives these certificates
    expect(fs.readlink("/etc/ssl/certs/4042bcee.0")).toBe("ISRG_Root_X1.pem");
    expect(fs.readlink("/etc/ssl/certs/5443e9e3.0")).toBe("T-TeleSec_GlobalRoot_Class_3.pem");
    expect(fs.readlink("/etc/ssl/certs/988a38cb.0")).toBe("NetLock_Arany_=Class_Gold=_Főtanúsítvány.pem");
    const bundle = fs.readFile("/etc/ssl/certs/ca-certificates.crt");
    expect(bundle.equals(Buffer.concat(names.map((n) => readFileSync(join(fixtures, n)))))).toBe(true);
    expect(fs.stat("/usr/local/share/ca-certificates").gid).toBe(50);
  });
});

describe("debconf's database, as its File driver writes it", () => {
  it("adds a package's templates and questions in Name order and keeps the previous files as *-old", async () => {
    const { registerDebconf } = await import("../src/deb/real/internals.js");
    const fs = new RootFS({ defaultMtime: new Date("2025-01-01T00:00:00Z") });
    fs.mkdir("/var/cache/debconf", { recursive: true });
    const oldTemplates = "Name: aa/q\nDescription: first\nType: note\nOwners: aa/q\n\nName: zz/q\nDescription: last\nType: note\nOwners: zz/q\n\n";
    fs.writeFile("/var/cache/debconf/templates.dat", oldTemplates);
    fs.writeFile("/var/cache/debconf/config.dat", "Name: aa/q\nTemplate: aa/q\nOwners: aa\n\n");
    registerDebconf(fs, "mm", [
      "Template: mm/choice", "Type: select", "Choices: yes, no", "Default: yes", "Description: Pick one:",
      " A long text that goes on", " over two lines.", " .", "   verbatim line", "Description-de.UTF-8: Wählen:", " Langer Text.", "",
    ].join("\n"));
    expect(fs.readFile("/var/cache/debconf/templates.dat-old").toString()).toBe(oldTemplates);
    expect(fs.readFile("/var/cache/debconf/templates.dat").toString()).toBe(
      "Name: aa/q\nDescription: first\nType: note\nOwners: aa/q\n\n" +
      "Name: mm/choice\nChoices: yes, no\nDefault: yes\nDescription: Pick one:\nDescription-de.utf-8: Wählen:\n" +
      "Extended_description: A long text that goes on over two lines.\\n\\n  verbatim line\nExtended_description-de.utf-8: Langer Text.\nType: select\nOwners: mm/choice\n\n" +
      "Name: zz/q\nDescription: last\nType: note\nOwners: zz/q\n\n");
    expect(fs.readFile("/var/cache/debconf/config.dat").toString()).toBe(
      "Name: aa/q\nTemplate: aa/q\nOwners: aa\n\nName: mm/choice\nTemplate: mm/choice\nValue: yes\nOwners: mm\n\n");
    expect(fs.stat("/var/cache/debconf/passwords.dat").mode & 0o777).toBe(0o600);
  });
});

describe("ldconfig's cache", () => {
  const LIBDIR = "/lib/x86_64-linux-gnu";
  const hostLibs = ["libc.so.6", "libz.so.1"].filter((n) => existsSync(`${LIBDIR}/${n}`));
  it.skipIf(hostLibs.length < 2)("lists each SONAME of ld.so.conf's directories, as glibc 2.36 writes it", async () => {
    const { writeLdCache, elfSoname } = await import("../src/deb/real/internals.js");
    const fs = new RootFS({ defaultMtime: new Date("2025-01-01T00:00:00Z") });
    fs.mkdir("/usr/lib/x86_64-linux-gnu", { recursive: true });
    fs.symlink("usr/lib", "/lib");
    fs.mkdir("/etc/ld.so.conf.d", { recursive: true });
    fs.writeFile("/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n");
    fs.writeFile("/etc/ld.so.conf.d/x86_64-linux-gnu.conf", "/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n");
    fs.mkdir("/sbin", { recursive: true });
    fs.writeFile("/sbin/ldconfig", "\0ldconfig (Debian GLIBC 2.36-9+deb12u14) stable release version 2.36\0");
    for (const n of hostLibs) {
      const bytes = readFileSync(`${LIBDIR}/${n}`);
      expect(elfSoname(bytes)).toBe(n);
      fs.writeFile(`/usr/lib/x86_64-linux-gnu/${n}`, bytes);
    }
    fs.symlink("libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so"); // a dev link: not an entry
    expect(writeLdCache(fs)).toBe(true);
    const b = fs.readFile("/etc/ld.so.cache");
    const str = (o: number) => b.subarray(o, b.indexOf(0, o)).toString();
    expect(b.subarray(0, 20).toString()).toBe("glibc-ld.so.cache1.1");
    expect(b.readUInt32LE(20)).toBe(2);
    // descending by name, keys merged into the end of their paths
    expect([0, 1].map((i) => [str(b.readUInt32LE(52 + 24 * i)), str(b.readUInt32LE(56 + 24 * i))])).toEqual([
      ["libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1"], ["libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"],
    ]);
    expect(b.readUInt32LE(52) - b.readUInt32LE(56)).toBe("/lib/x86_64-linux-gnu/".length);
    expect(b.subarray(b.length - 67).toString()).toBe("ldconfig (Debian GLIBC 2.36-9+deb12u14) stable release version 2.36");
  });
});
