import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as openpgp from "openpgp";
import type { RootFS } from "@tsbuild/fs-snapshot";
import { Fetcher } from "@tsbuild/fetch";
import { debianRoot, serveArchive, type DebSpec } from "./tiny-archive.js";
import { imageFs } from "./helpers.js";
import { helloProgramFiles, runSimulated, serveDuringSuite } from "./support.js";

const SPECS: DebSpec[] = [
  {
    name: "hello", version: "2.10-3",
    fields: { Depends: "libgreet (>= 1.0) | libother, libc6 (>= 2.34)", Recommends: "hello-extra", Suggests: "hello-doc" },
    files: [
      ...helloProgramFiles(),
      { path: "/usr/share/doc/hello/changelog", data: "lots of history\n" },
      { path: "/usr/share/doc/hello/copyright", data: "GPL\n" },
      { path: "/var/lib/hello", type: "dir", mode: 0o750, uid: 42, gid: 0 },
    ],
    conffiles: ["/etc/hello.conf"],
    scripts: { postinst: '#!/bin/sh\nset -e\nif [ "$1" = configure ]; then echo "configured by $DPKG_MAINTSCRIPT_PACKAGE" > /var/lib/hello/state; fi\n' },
  },
  { name: "libgreet", version: "1.0-1", fields: { "Multi-Arch": "same" }, files: [{ path: "/usr/lib/x86_64-linux-gnu/libgreet.so.1", data: "old lib" }] },
  { name: "libgreet", version: "1.1-1", fields: { "Multi-Arch": "same" }, files: [{ path: "/usr/lib/x86_64-linux-gnu/libgreet.so.1", data: "new lib" }] },
  { name: "hello-extra", version: "1", arch: "all", files: [{ path: "/usr/share/hello/extra", data: "extra" }], scripts: { postinst: "#!/bin/sh\nset -e\nsurely-not-a-program --configure\n" } },
  { name: "greeter-impl", version: "3", fields: { Provides: "greeter" }, files: [{ path: "/usr/bin/greeter", data: "g", mode: 0o755 }] },
];

let archive: Awaited<ReturnType<typeof serveArchive>>;
const cacheDir = serveDuringSuite("realapt", () => serveArchive(SPECS), (s) => (archive = s));

const apt = (fs: RootFS, fetcher: Fetcher, args: string[]) => runSimulated("/usr/bin/apt-get", fs, fetcher, ["apt-get", ...args]);

const text = (fs: RootFS, p: string) => fs.readFile(p).toString("utf8");

/** Every entry under / with its type, mode, owner, mtime and bytes (or link target). */
function treeOf(fs: RootFS): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const n of fs.readdir(dir).sort()) {
      const p = dir === "/" ? `/${n}` : `${dir}/${n}`;
      const st = fs.lstat(p);
      const head = `${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.mtime.toISOString()}`;
      if (st.type === "dir") {
        out[p] = `d ${head}`;
        walk(p);
      } else if (st.type === "symlink") out[p] = `l ${head} -> ${fs.readlink(p)}`;
      else out[p] = `${st.type} ${head} ino ${st.nlink > 1 ? st.nlink : 1} ${createHash("sha256").update(fs.readFile(p)).digest("hex")}`;
    }
  };
  walk("/");
  return out;
}
const LIST = "/var/lib/apt/lists/127.0.0.1";

describe("apt-get over a real (tiny, signed, local) archive", () => {
  it("update verifies the InRelease, stores the real index files, and says Hit when nothing changed", async () => {
    const fs = debianRoot(archive);
    const f = new Fetcher({ cache: cacheDir(), offline: false });
    const r = await apt(fs, f, ["update"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Get:1 ${archive.base} tiny InRelease`);
    expect(r.stdout).toContain(`Get:2 ${archive.base} tiny/main amd64 Packages`);
    const port = new URL(archive.base).port;
    const lists = fs.readdir("/var/lib/apt/lists").filter((n) => n.includes("127.0.0.1"));
    expect(lists.sort()).toEqual([`127.0.0.1:${port}_dists_tiny_InRelease`, `127.0.0.1:${port}_dists_tiny_main_binary-amd64_Packages`]);
    expect(fs.readFile(`${LIST}:${port}_dists_tiny_main_binary-amd64_Packages`).equals(archive.files.get("dists/tiny/main/binary-amd64/Packages")!)).toBe(true);
    expect(fs.stat("/var/lib/apt/lists/partial").mode & 0o7777).toBe(0o700);
    expect(fs.stat("/var/lib/apt/lists/partial").uid).toBe(42);
    const again = await apt(fs, f, ["update"]);
    expect(again.stdout).toContain(`Hit:1 ${archive.base} tiny InRelease`);
    expect(again.stdout).not.toContain("Packages");
  });

  it("install resolves like apt and unpacks the .debs as dpkg does", async () => {
    const fs = debianRoot(archive, { pathExclude: true });
    const f = new Fetcher({ cache: cacheDir(), offline: false });
    await apt(fs, f, ["update"]);
    const r = await apt(fs, f, ["install", "-y", "--no-install-recommends", "hello"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("The following additional packages will be installed:\n  libgreet\n");
    expect(r.stdout).toContain("Recommended packages:\n  hello-extra\n");
    expect(r.stdout).toContain("Suggested packages:\n  hello-doc\n");
    expect(r.stdout).toContain("0 upgraded, 2 newly installed");
    expect(r.stdout).toContain("Unpacking libgreet:amd64 (1.1-1) ...");
    // the highest version, real bytes
    expect(text(fs, "/usr/lib/x86_64-linux-gnu/libgreet.so.1")).toBe("new lib");
    expect(fs.exists("/usr/share/hello/extra")).toBe(false);
    // modes, owners, links
    expect(fs.stat("/usr/bin/hello-suid").mode & 0o7777).toBe(0o4755);
    expect(fs.readlink("/usr/bin/hi")).toBe("hello");
    expect(fs.stat("/usr/bin/hello-again").ino).toBe(fs.stat("/usr/bin/hello").ino);
    expect(fs.stat("/var/lib/hello").uid).toBe(42);
    expect(fs.stat("/var/lib/hello").mode & 0o7777).toBe(0o750);
    // path-exclude with path-include
    expect(fs.exists("/usr/share/doc/hello/changelog")).toBe(false);
    expect(text(fs, "/usr/share/doc/hello/copyright")).toBe("GPL\n");
    // dpkg's database
    const status = text(fs, "/var/lib/dpkg/status");
    const md5 = createHash("md5").update("greeting=hi\n").digest("hex");
    expect(status).toContain(`Package: hello\nStatus: install ok installed\nPriority: optional\nSection: misc\nInstalled-Size: 1\nMaintainer: Test <t@example.invalid>\nArchitecture: amd64\nVersion: 2.10-3\nDepends: libgreet (>= 1.0) | libother, libc6 (>= 2.34)\nRecommends: hello-extra\nSuggests: hello-doc\nConffiles:\n /etc/hello.conf ${md5}\nDescription:`);
    // data.tar's order, as dpkg writes it
    expect(text(fs, "/var/lib/dpkg/info/hello.list")).toMatch(/^\/\.\n\/etc\n\/usr\n\/usr\/bin\n[^]*\/usr\/bin\/hello\n[^]*\/etc\/hello.conf\n/);
    expect(text(fs, "/var/lib/dpkg/info/hello.list")).not.toContain("changelog");
    expect(text(fs, "/var/lib/dpkg/info/hello.conffiles")).toBe("/etc/hello.conf\n");
    expect(fs.stat("/var/lib/dpkg/info/hello.postinst").mode & 0o777).toBe(0o755);
    expect(fs.exists("/var/lib/dpkg/info/libgreet:amd64.list")).toBe(true);
    expect(text(fs, "/var/lib/apt/extended_states")).toBe("Package: libgreet\nArchitecture: amd64\nAuto-Installed: 1\n\n");
    // the verified .deb stays in the archive cache (no docker-clean here)
    expect(fs.readFile("/var/cache/apt/archives/hello_2.10-3_amd64.deb").equals(archive.files.get("pool/main/h/hello/hello_2.10-3_amd64.deb")!)).toBe(true);
    // the maintainer script ran through the shell
    expect(text(fs, "/var/lib/hello/state")).toBe("configured by hello\n");
    expect(r.notes.join("\n")).not.toContain("hello.postinst");
  });

  it("pkg=version, Provides, Recommends, and docker-clean", async () => {
    const fs = debianRoot(archive, { dockerClean: true });
    const f = new Fetcher({ cache: cacheDir(), offline: false });
    await apt(fs, f, ["update"]);
    const r = await apt(fs, f, ["install", "-y", "hello", "libgreet=1.0-1", "greeter"]);
    expect(r.code).toBe(0);
    expect(text(fs, "/usr/lib/x86_64-linux-gnu/libgreet.so.1")).toBe("old lib");
    expect(fs.exists("/usr/share/hello/extra")).toBe(true);
    expect(fs.exists("/usr/bin/greeter")).toBe(true);
    // a script that cannot run is named, never skipped silently
    expect(r.notes.join("\n")).toMatch(/hello-extra\.postinst configure \(exit 127 in tsbuild's shell: .*surely-not-a-program/);
    expect(fs.readdir("/var/cache/apt/archives").filter((n) => n.endsWith(".deb"))).toEqual([]);
    expect(fs.exists("/var/cache/apt/pkgcache.bin")).toBe(false);
    const missing = await apt(fs, f, ["install", "-y", "nosuch"]);
    expect(missing.code).toBe(100);
    expect(missing.stderr).toContain("E: Unable to locate package nosuch");
    const badVersion = await apt(fs, f, ["install", "-y", "libgreet=9"]);
    expect(badVersion.stderr).toContain("E: Version '9' for 'libgreet' was not found");
  });

  it("an InRelease signed by another key is refused and the lists stay as they were", async () => {
    const other = (await openpgp.generateKey({ userIDs: [{ name: "someone else" }], format: "object" })).privateKey;
    const forged = await serveArchive(SPECS, { key: other });
    try {
      const fs = debianRoot(archive);
      // the image trusts the real archive's key, but the sources point at the forger
      fs.writeFile("/etc/apt/sources.list.d/tiny.sources", `Types: deb\nURIs: ${forged.base}\nSuites: tiny\nComponents: main\nSigned-By: /etc/apt/keyrings/tiny.asc\n`);
      const r = await apt(fs, new Fetcher({ cache: cacheDir(), offline: false }), ["update"]);
      expect(r.code).toBe(100);
      expect(r.stdout).toContain("NO_PUBKEY");
      expect(r.stderr).toContain("is not signed");
      expect(fs.readdir("/var/lib/apt/lists").filter((n) => n.includes("Packages") || n.includes("InRelease"))).toEqual([]);
    } finally {
      await forged.close();
    }
  });

  it("a .deb whose bytes are not the index's is refused before anything is unpacked", async () => {
    const fs = debianRoot(archive);
    const f = new Fetcher({ cache: cacheDir(), offline: false });
    await apt(fs, f, ["update"]);
    const path = "pool/main/h/hello-extra/hello-extra_1_all.deb";
    const good = archive.files.get(path)!;
    archive.files.set(path, Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([good[good.length - 1] ^ 1])]));
    try {
      const r = await apt(fs, f, ["install", "-y", "hello-extra"]);
      expect(r.code).toBe(100);
      expect(r.stderr).toContain(`${archive.base}/${path}`);
      expect(fs.exists("/usr/share/hello/extra")).toBe(false);
    } finally {
      archive.files.set(path, good);
    }
  });

  it("a second run offline gives the same bytes from the content cache", async () => {
    const dir = cacheDir();
    const online = debianRoot(archive);
    const f = new Fetcher({ cache: dir, offline: false });
    await apt(online, f, ["update"]);
    await apt(online, f, ["install", "-y", "hello"]);
    const hits = new Map(archive.hits);
    const offline = debianRoot(archive);
    const g = new Fetcher({ cache: dir, offline: true });
    expect((await apt(offline, g, ["update"])).code).toBe(0);
    expect((await apt(offline, g, ["install", "-y", "hello"])).code).toBe(0);
    expect(archive.hits).toEqual(hits);
    for (const p of ["/usr/bin/hello", "/usr/lib/x86_64-linux-gnu/libgreet.so.1", "/var/lib/dpkg/status", "/var/cache/apt/archives/hello_2.10-3_amd64.deb"]) {
      expect(offline.readFile(p).equals(online.readFile(p))).toBe(true);
    }
    // offline with an empty cache: the catalog stands in, and tsbuild says which URL it lacked
    const cold = await apt(debianRoot(archive), new Fetcher({ cache: cacheDir(), offline: true }), ["update"]);
    expect(cold.notes.join("\n")).toContain(`${archive.base}/dists/tiny/InRelease: not in the content cache`);
    expect(cold.notes.join("\n")).toContain("estimated from tsbuild's catalog");
  });

  it("a second stage or build reads the checked index from the content cache, not the archive, and installs the same tree", async () => {
    const dir = cacheDir();
    const first = debianRoot(archive);
    const f = new Fetcher({ cache: dir, offline: false });
    const u1 = await apt(first, f, ["update"]);
    const i1 = await apt(first, f, ["install", "-y", "hello"]);
    const gz = "dists/tiny/main/binary-amd64/Packages.gz";
    const served = archive.hits.get(gz);
    const second = debianRoot(archive);
    const u2 = await apt(second, f, ["update"]);
    const i2 = await apt(second, f, ["install", "-y", "hello"]);
    expect(archive.hits.get(gz)).toBe(served); // not downloaded nor decompressed again
    expect(u2.stdout).toBe(u1.stdout); // apt's own words: "Get:2 … Packages [the .gz's size]"
    expect(i2.stdout).toBe(i1.stdout);
    expect(treeOf(second)).toEqual(treeOf(first));
    // apt's binary caches: zero-filled, of the size real apt leaves for this much index
    const size = Math.round(archive.files.get("dists/tiny/main/binary-amd64/Packages")!.length * (39_092_108 / 50_060_337));
    expect(first.readFile("/var/cache/apt/pkgcache.bin").equals(Buffer.alloc(size))).toBe(true);
    expect(first.readFile("/var/cache/apt/srcpkgcache.bin").equals(Buffer.alloc(size - 60))).toBe(true);
    expect(first.stat("/var/cache/apt/pkgcache.bin").mode & 0o7777).toBe(0o644);
    // a cached index whose bytes are not its name's is dropped, and the .gz (itself cached by digest) decompressed again
    const want = createHash("sha256").update(archive.files.get("dists/tiny/main/binary-amd64/Packages")!).digest("hex");
    writeFileSync(join(dir, "blobs", "sha256", want), "Package: forged\nVersion: 9\nArchitecture: all\n");
    const third = debianRoot(archive);
    expect((await apt(third, f, ["update"])).stdout).toBe(u1.stdout);
    const port = new URL(archive.base).port;
    expect(third.readFile(`${LIST}:${port}_dists_tiny_main_binary-amd64_Packages`).equals(archive.files.get("dists/tiny/main/binary-amd64/Packages")!)).toBe(true);
    expect(readFileSync(join(dir, "blobs", "sha256", want)).equals(archive.files.get("dists/tiny/main/binary-amd64/Packages")!)).toBe(true);
  });

  it("without network (RUN --network=none) update fails as apt does and install finds nothing", async () => {
    const fs = debianRoot(archive);
    const f = new Fetcher({ cache: cacheDir(), offline: false }).withoutNetwork();
    const r = await apt(fs, f, ["update"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Err:1 ${archive.base} tiny InRelease`);
    expect(r.stderr).toContain("W: Some index files failed to download.");
  });

  it("the built-in simulated images keep their catalog, and say so", async () => {
    const fs = await imageFs("debian:bookworm");
    const f = new Fetcher({ cache: cacheDir(), offline: true });
    const r = await apt(fs, f, ["update"]);
    expect(r.code).toBe(0);
    expect(r.notes.join("\n")).toContain("package sizes are estimated from tsbuild's catalog (bookworm)");
    const u = await apt(fs, f, ["install", "-y", "surely-not-a-package"]);
    expect(u.code).toBe(100);
    expect(u.notes.join("\n")).toContain("surely-not-a-package is unknown to tsbuild's catalog for bookworm");
  });
});
