import { createHash } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RootFS } from "@tsbuild/fs-snapshot";
import { Fetcher } from "@tsbuild/fetch";
import { simulatedBinariesWith } from "@tsbuild/pkgsim";
import { runCommand } from "@tsbuild/shell";
import { alpineRoot, buildApk, indexRecord, makeSigner, serveApkRepo, type ApkRepo, type ApkSpec } from "./apk-repo.js";
import { diffSnapshots, imageFs, snapshot } from "./helpers.js";
import { helloProgramFiles, runSimulated, serveDuringSuite } from "./support.js";

const SPECS: ApkSpec[] = [
  {
    name: "hello", version: "2.12.1-r0", depends: ["so:libgreet.so.1", "cmd:tput", "/bin/sh"],
    files: [
      ...helloProgramFiles(),
      { path: "/var/lib/hello", type: "dir", mode: 0o750, uid: 42, gid: 42 },
    ],
    scripts: {
      "pre-install": "#!/bin/sh\necho \"pre $1\" > /tmp/hello-pre\n",
      "post-install": "#!/bin/sh\nset -e\necho \"installed $1\" > /var/lib/hello/state\n",
    },
  },
  { name: "libgreet", version: "1.0-r0", provides: ["so:libgreet.so.1=1"], files: [{ path: "/usr/lib/libgreet.so.1", data: "old lib" }] },
  { name: "libgreet", version: "1.1-r0", provides: ["so:libgreet.so.1=1"], files: [{ path: "/usr/lib/libgreet.so.1", data: "new lib" }] },
  { name: "ncurses", version: "6.4_p20240420-r0", noChecksums: true, provides: ["cmd:tput=6.4_p20240420-r0"], files: [{ path: "/usr/bin/tput", data: "tput", mode: 0o755 }] },
  {
    name: "gcc", version: "13.2.1_git20240309-r0", depends: ["so:libgreet.so.1"],
    files: [{ path: "/usr/bin/gcc", data: "gcc".repeat(1000), mode: 0o755 }, { path: "/usr/libexec/gcc/cc1", data: "cc1", mode: 0o755 }],
    scripts: { "post-install": "#!/usr/bin/lua5.4\nprint('needs lua')\n" },
  },
  {
    name: "make", version: "4.4.1-r2", files: [{ path: "/usr/bin/make", data: "make", mode: 0o755 }],
    scripts: { "pre-deinstall": "#!/bin/sh\necho \"bye $1\" > /tmp/make-bye\n" },
  },
  {
    name: "man-db", version: "2.12.1-r0", triggers: ["/usr/share/man*"],
    files: [{ path: "/usr/bin/man", data: "man", mode: 0o755 }],
    scripts: { trigger: "#!/bin/sh\necho \"$@\" > /tmp/man-trigger\n" },
  },
  { name: "mysh", version: "1.0-r0", files: [{ path: "/bin/sh", data: "another shell", mode: 0o755 }] },
  { name: "mysh-replacing", version: "1.0-r0", replaces: ["busybox"], files: [{ path: "/bin/sh", data: "another shell", mode: 0o755 }] },
  { name: "less", version: "643-r2", provides: ["cmd:pager=643-r2"], files: [{ path: "/usr/bin/less", data: "less", mode: 0o755 }] },
  { name: "most", version: "5.2.0-r0", provides: ["cmd:pager=5.2.0-r0"], providerPriority: 10, files: [{ path: "/usr/bin/most", data: "most", mode: 0o755 }] },
  { name: "hello-doc", version: "2.12.1-r0", installIf: ["hello=2.12.1-r0", "man-db"], files: [{ path: "/usr/share/man/man1/hello.1.gz", data: "doc" }] },
];

let repo: ApkRepo;
const cacheDir = serveDuringSuite("realapk", () => serveApkRepo(SPECS), (s) => (repo = s));

const apk = (fs: RootFS, fetcher: Fetcher, args: string[], now?: Date) => runSimulated("/sbin/apk", fs, fetcher, ["apk", ...args], now);

const text = (fs: RootFS, p: string) => fs.readFile(p).toString("utf8");
const keys = () => [{ name: repo.signer.keyName, pem: repo.signer.publicPem }];
const indexUrl = () => `${repo.repo}/x86_64/APKINDEX.tar.gz`;
const cachedIndex = () => `/var/cache/apk/APKINDEX.${createHash("sha1").update(indexUrl()).digest("hex").slice(0, 8)}.tar.gz`;
const fetcher = (dir = cacheDir(), offline = false) => new Fetcher({ cache: dir, offline, backoffMs: () => 0 });

describe("apk over a real (tiny, signed, local) repository", () => {
  it("update verifies the signed index, keeps it in /var/cache/apk and counts the distinct packages", async () => {
    const fs = alpineRoot(repo, keys());
    const r = await apk(fs, fetcher(), ["update"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`fetch ${indexUrl()}\nv3.20.3-10-g0123456789 [${repo.repo}]\nOK: ${SPECS.length + 2} distinct packages available\n`);
    expect(fs.readFile(cachedIndex()).equals(repo.files.get("alpine/v3.20/main/x86_64/APKINDEX.tar.gz")!)).toBe(true);
    expect(r.notes).toEqual([]);
  });

  it("add uses the cached index while it is younger than 4 hours, then fetches it again", async () => {
    const fs = alpineRoot(repo, keys());
    const f = fetcher();
    const t0 = new Date("2025-02-03T04:05:06Z");
    await apk(fs, f, ["update"], t0);
    const soon = await apk(fs, f, ["add", "make"], new Date(t0.getTime() + 3 * 3600_000));
    expect(soon.stdout).not.toContain("fetch ");
    const later = await apk(fs, f, ["add", "ncurses"], new Date(t0.getTime() + 5 * 3600_000));
    expect(later.stdout).toContain(`fetch ${indexUrl()}`);
    expect(fs.stat(cachedIndex()).mtime.getTime()).toBe(t0.getTime() + 5 * 3600_000);
  });

  it("an index signed with .SIGN.RSA256 verifies with SHA-256", async () => {
    const r256 = await serveApkRepo(SPECS.slice(1, 2), { sigType: "RSA256" });
    try {
      const fs = alpineRoot(r256, [{ name: r256.signer.keyName, pem: r256.signer.publicPem }]);
      const r = await apk(fs, fetcher(), ["update"]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("OK: 3 distinct packages available");
    } finally {
      await r256.close();
    }
  });

  it("a file another package owns is not overwritten unless the package replaces it", async () => {
    const fs = alpineRoot(repo, keys());
    const before = snapshot(fs);
    const r = await apk(fs, fetcher(), ["add", "--no-cache", "mysh"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ERROR: mysh-1.0-r0: trying to overwrite bin/sh owned by busybox-1.36.1-r29.");
    expect(diffSnapshots(before, snapshot(fs))).toEqual([]);
    const ok = await apk(fs, fetcher(), ["add", "--no-cache", "mysh-replacing"]);
    expect(ok.code).toBe(0);
    expect(text(fs, "/bin/sh")).toBe("another shell");
    expect(text(fs, "/lib/apk/db/installed")).toMatch(/P:mysh-replacing\n[^]*\nr:busybox\nF:bin\n/);
  });

  it("--repository adds a repository for the command; --allow-untrusted accepts an unknown key; --no-scripts runs none", async () => {
    const edge = await serveApkRepo([{ name: "edgetool", version: "0.1-r0", files: [{ path: "/usr/bin/edgetool", data: "e", mode: 0o755 }] }], { signer: makeSigner("edge-key.rsa.pub") });
    try {
      const fs = alpineRoot(repo, keys());
      const refused = await apk(fs, fetcher(), ["add", "--no-cache", "--repository", edge.repo, "edgetool"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("UNTRUSTED signature");
      const r = await apk(fs, fetcher(), ["add", "--no-cache", "--allow-untrusted", `--repository=${edge.repo}`, "edgetool"]);
      expect(r.code).toBe(0);
      expect(text(fs, "/usr/bin/edgetool")).toBe("e");
      expect(text(fs, "/etc/apk/repositories")).toBe(`${repo.repo}\n`);
      const quiet = await apk(fs, fetcher(), ["add", "-q", "--no-cache", "--no-scripts", "hello"]);
      expect(quiet.code).toBe(0);
      expect(quiet.stdout).toBe("");
      expect(fs.exists("/var/lib/hello/state")).toBe(false);
    } finally {
      await edge.close();
    }
  });

  it("a provided name goes to the provider with the highest provider_priority (k:), which the record keeps", async () => {
    const fs = alpineRoot(repo, keys());
    const r = await apk(fs, fetcher(), ["add", "--no-cache", "cmd:pager"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(1/1) Installing most (5.2.0-r0)");
    expect(text(fs, "/lib/apk/db/installed")).toMatch(/P:most\n[^]*\nk:10\np:cmd:pager=5\.2\.0-r0\n/);
    expect(text(fs, "/etc/apk/world")).toBe("busybox\ncmd:pager\nmusl\n");
  });

  it("without network (RUN --network=none) apk fails as it does in such a container", async () => {
    const fs = alpineRoot(repo, keys());
    const before = snapshot(fs);
    const r = await apk(fs, new Fetcher({ cache: cacheDir(), network: false }), ["add", "--no-cache", "make"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`WARNING: fetching ${repo.repo}: DNS lookup error`);
    expect(r.stderr).toContain("make (no such package)");
    expect(diffSnapshots(before, snapshot(fs))).toEqual([]);
  });

  it("--print-arch reads /etc/apk/arch", async () => {
    const fs = alpineRoot(repo, keys());
    fs.writeFile("/etc/apk/arch", "aarch64\n");
    expect((await apk(fs, fetcher(), ["--print-arch"])).stdout).toBe("aarch64\n");
  });

  it("add resolves so:/cmd:/path provides and install_if, unpacks as apk does and writes apk's databases", async () => {
    const fs = alpineRoot(repo, keys());
    const r = await apk(fs, fetcher(), ["add", "hello", "man-db"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`fetch ${indexUrl()}\n`);
    expect(r.stdout).toMatch(/\(1\/5\) Installing libgreet \(1\.1-r0\)\n/);
    expect(r.stdout).toContain("Installing ncurses (6.4_p20240420-r0)");
    expect(r.stdout).toContain("Executing hello-2.12.1-r0.pre-install\nExecuting hello-2.12.1-r0.post-install\n");
    expect(r.stdout).toContain("Installing hello-doc (2.12.1-r0)");
    expect(r.stdout).toContain("Executing man-db-2.12.1-r0.trigger\n");
    expect(r.stdout).toMatch(/OK: 1 MiB in 7 packages\n$/);
    // files, modes, owners, links
    expect(text(fs, "/usr/bin/hello")).toBe("#!/bin/sh\necho hello\n");
    expect(fs.stat("/usr/bin/hello-suid").mode & 0o7777).toBe(0o4755);
    expect(fs.readlink("/usr/bin/hi")).toBe("hello");
    expect(fs.stat("/usr/bin/hello-again").ino).toBe(fs.stat("/usr/bin/hello").ino);
    expect(fs.stat("/var/lib/hello")).toMatchObject({ mode: 0o750, uid: 42, gid: 42 });
    expect(text(fs, "/usr/lib/libgreet.so.1")).toBe("new lib");
    // scripts ran through the shell with the version as $1, and were removed from /lib/apk/exec
    expect(text(fs, "/tmp/hello-pre")).toBe("pre 2.12.1-r0\n");
    expect(text(fs, "/var/lib/hello/state")).toBe("installed 2.12.1-r0\n");
    expect(fs.readdir("/lib/apk/exec")).toEqual([]);
    expect(text(fs, "/tmp/man-trigger")).toBe("/usr/share/man\n");
    // the databases
    const hello = repo.built.get("hello-2.12.1-r0")!;
    const installed = text(fs, "/lib/apk/db/installed");
    expect(installed.split("\n\n").map((b) => /^P:(.*)$/m.exec(b)?.[1]).filter(Boolean)).toEqual(["busybox", "hello", "hello-doc", "libgreet", "man-db", "musl", "ncurses"]);
    const rec = installed.split("\n\n").find((b) => b.includes("\nP:hello\n"))!;
    const sha1q = (s: string) => "Q1" + createHash("sha1").update(s).digest("base64");
    expect(rec).toBe([
      `C:${hello.checksum}`, "P:hello", "V:2.12.1-r0", "A:x86_64", `S:${hello.apk.length}`, `I:${hello.installedSize}`, "T:hello for tests",
      "U:https://example.invalid/", "L:MIT", "o:hello", "m:Test <t@example.invalid>", "t:1704164645", "c:0123456789abcdef0123456789abcdef01234567",
      "D:so:libgreet.so.1 cmd:tput /bin/sh",
      "F:etc", "R:hello.conf", `Z:${sha1q("greeting=hi\n")}`,
      "F:usr", "F:usr/bin",
      "R:hello", "a:0:0:755", `Z:${sha1q("#!/bin/sh\necho hello\n")}`,
      "R:hello-suid", "a:0:0:4755", `Z:${sha1q("x")}`,
      "R:hi", "a:0:0:777", `Z:${sha1q("hello")}`,
      "R:hello-again", "a:0:0:755", `Z:${sha1q("#!/bin/sh\necho hello\n")}`,
      "F:var", "F:var/lib", "F:var/lib/hello", "M:42:42:750",
    ].join("\n"));
    expect(text(fs, "/etc/apk/world")).toBe("busybox\nhello\nman-db\nmusl\n");
    // without abuild's PAX checksums apk writes no Z: lines
    expect(installed.split("\n\n").find((b) => b.includes("\nP:ncurses\n"))).toMatch(/\nF:usr\/bin\nR:tput\na:0:0:755$/);
    const scripts = fs.readFile("/lib/apk/db/scripts.tar");
    expect(scripts.subarray(0, 100).toString("latin1").replace(/\0+$/, "")).toBe(`hello-2.12.1-r0.${hello.checksum}.pre-install`);
    expect(scripts.subarray(257, 265).toString("latin1")).toBe("ustar  \0");
    expect(scripts.toString("latin1")).toContain(`man-db-2.12.1-r0.${repo.built.get("man-db-2.12.1-r0")!.checksum}.trigger`);
    expect(text(fs, "/lib/apk/db/triggers")).toBe(`${repo.built.get("man-db-2.12.1-r0")!.checksum} /usr/share/man*\n`);
    expect(fs.exists(cachedIndex())).toBe(true);
    expect(r.notes).toEqual([]);
  });

  it("name=version and name<version pick that version; a version the index lacks breaks the world", async () => {
    const fs = alpineRoot(repo, keys());
    const r = await apk(fs, fetcher(), ["add", "libgreet<1.1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(1/1) Installing libgreet (1.0-r0)");
    expect(text(fs, "/usr/lib/libgreet.so.1")).toBe("old lib");
    expect(text(fs, "/etc/apk/world")).toContain("libgreet<1.1\n");
    const fs2 = alpineRoot(repo, keys());
    const bad = await apk(fs2, fetcher(), ["add", "libgreet=9.9-r0"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("ERROR: unable to select packages:\n  libgreet-1.1-r0:\n    breaks: world[libgreet=9.9-r0]");
  });

  it("a script tsbuild cannot run is named in a note", async () => {
    const fs = alpineRoot(repo, keys());
    const r = await apk(fs, fetcher(), ["add", "gcc"]);
    expect(r.code).toBe(0);
    expect(r.notes.join("\n")).toContain("gcc-13.2.1_git20240309-r0.post-install (its interpreter /usr/bin/lua5.4 is not a shell tsbuild runs)");
  });

  it("apk add --no-cache --virtual .build-deps … && apk del .build-deps leaves the tree as it was, without an index cache", async () => {
    const fs = alpineRoot(repo, keys());
    const before = snapshot(fs);
    const dbBefore = text(fs, "/lib/apk/db/installed");
    const add = await apk(fs, fetcher(), ["add", "--no-cache", "--virtual", ".build-deps", "gcc", "make"]);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain("Installing .build-deps (20250203.040506)");
    expect(text(fs, "/etc/apk/world")).toBe(".build-deps\nbusybox\nmusl\n");
    expect(text(fs, "/lib/apk/db/installed")).toContain("P:.build-deps\nV:20250203.040506\nA:noarch\nS:0\nI:0\nT:virtual meta package\nU:\nL:\nD:gcc make\n");
    expect(fs.readdir("/var/cache/apk")).toEqual([]);
    expect(text(fs, "/usr/bin/make")).toBe("make");
    const del = await apk(fs, fetcher(), ["del", ".build-deps"]);
    expect(del.code).toBe(0);
    expect(del.stdout).toContain("Purging .build-deps (20250203.040506)");
    expect(del.stdout).toContain("Purging gcc (13.2.1_git20240309-r0)");
    expect(del.stdout).toContain("Executing make-4.4.1-r2.pre-deinstall");
    expect(text(fs, "/tmp/make-bye")).toBe("bye 4.4.1-r2\n");
    fs.unlink("/tmp/make-bye");
    expect(del.stdout).toMatch(/OK: 1 MiB in 2 packages\n$/);
    expect(diffSnapshots(before, snapshot(fs))).toEqual([]);
    expect(text(fs, "/lib/apk/db/installed")).toBe(dbBefore);
    expect(fs.readFile("/lib/apk/db/scripts.tar").equals(Buffer.alloc(1024))).toBe(true);
  });

  it("an index signed by an unknown key, or signed wrongly, is refused naming the key; nothing is installed", async () => {
    const other = makeSigner("someone-else-1234.rsa.pub");
    const untrusted = await serveApkRepo(SPECS.slice(1, 2), { indexSigner: other });
    const impostor = await serveApkRepo(SPECS.slice(1, 2), { indexSigner: { ...makeSigner(), keyName: repo.signer.keyName } });
    try {
      const fs = alpineRoot(untrusted, keys());
      const before = snapshot(fs);
      const r = await apk(fs, fetcher(), ["add", "libgreet"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`WARNING: updating and opening ${untrusted.repo}: UNTRUSTED signature`);
      expect(r.stderr).toContain("signed with someone-else-1234.rsa.pub, which /etc/apk/keys does not hold");
      expect(r.stderr).toContain("libgreet (no such package)");
      expect(diffSnapshots(before, snapshot(fs))).toEqual([]);
      const fs2 = alpineRoot(impostor, [{ name: repo.signer.keyName, pem: repo.signer.publicPem }]);
      const r2 = await apk(fs2, fetcher(), ["update"]);
      expect(r2.code).toBe(1);
      expect(r2.stderr).toContain(`WARNING: updating and opening ${impostor.repo}: BAD signature`);
      expect(r2.stderr).toContain(`does not verify with /etc/apk/keys/${repo.signer.keyName}`);
      expect(r2.stdout).toContain("1 unavailable, 0 stale; 2 distinct packages available");
    } finally {
      await untrusted.close();
      await impostor.close();
    }
  });

  it("a package whose control checksum is not the index's is refused with its URL; nothing changes", async () => {
    const tampered = await serveApkRepo(SPECS.slice(1, 3));
    try {
      const path = "alpine/v3.20/main/x86_64/libgreet-1.1-r0.apk";
      const other = await buildApk({ ...SPECS[2], files: [{ path: "/usr/lib/libgreet.so.1", data: "evil lib" }] }, tampered.signer);
      tampered.files.set(path, other.apk);
      const fs = alpineRoot(tampered, [{ name: tampered.signer.keyName, pem: tampered.signer.publicPem }]);
      const before = snapshot(fs);
      const r = await apk(fs, fetcher(), ["add", "--no-cache", "libgreet"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("ERROR: libgreet-1.1-r0: BAD signature");
      expect(r.stderr).toContain(`${tampered.repo}/x86_64/libgreet-1.1-r0.apk: control checksum ${other.checksum} is not the index's C:${tampered.built.get("libgreet-1.1-r0")!.checksum}`);
      expect(diffSnapshots(before, snapshot(fs))).toEqual([]);
      expect(fs.exists("/usr/lib/libgreet.so.1")).toBe(false);
      // a data stream that is not .PKGINFO's datahash is refused too
      const good = tampered.built.get("libgreet-1.1-r0")!;
      const swapped = Buffer.concat([good.apk.subarray(0, good.apk.length - other.apk.length + other.apk.indexOf(other.control) + other.control.length), other.apk.subarray(other.apk.indexOf(other.control) + other.control.length)]);
      tampered.files.set(path, Buffer.concat([good.apk.subarray(0, good.apk.indexOf(good.control) + good.control.length), other.apk.subarray(other.apk.indexOf(other.control) + other.control.length)]));
      expect(swapped.length).toBeGreaterThan(0);
      const r2 = await apk(alpineRoot(tampered, [{ name: tampered.signer.keyName, pem: tampered.signer.publicPem }]), fetcher(), ["add", "--no-cache", "libgreet"]);
      expect(r2.code).toBe(1);
      expect(r2.stderr).toContain("is not .PKGINFO's datahash");
      // the package's own signature, made by another key under the image's key name
      const forged = await serveApkRepo(SPECS.slice(1, 2), { signer: tampered.signer, packageSigner: { ...makeSigner(), keyName: tampered.signer.keyName } });
      try {
        const r3 = await apk(alpineRoot(forged, [{ name: tampered.signer.keyName, pem: tampered.signer.publicPem }]), fetcher(), ["add", "--no-cache", "libgreet"]);
        expect(r3.code).toBe(1);
        expect(r3.stderr).toContain("ERROR: libgreet-1.0-r0: BAD signature");
        expect(r3.stderr).toContain(`signature does not verify with /etc/apk/keys/${tampered.signer.keyName}`);
      } finally {
        await forged.close();
      }
    } finally {
      await tampered.close();
    }
  });

  it("a second run offline is served from the content cache with the same bytes", async () => {
    const dir = cacheDir();
    const fs1 = alpineRoot(repo, keys());
    const r1 = await apk(fs1, fetcher(dir), ["add", "--no-cache", "hello"]);
    expect(r1.code).toBe(0);
    const hits = repo.hits.get("alpine/v3.20/main/x86_64/hello-2.12.1-r0.apk");
    const fs2 = alpineRoot(repo, keys());
    const r2 = await apk(fs2, fetcher(dir, true), ["add", "--no-cache", "hello"]);
    expect(r2.stderr).toBe("");
    expect(r2.code).toBe(0);
    expect(repo.hits.get("alpine/v3.20/main/x86_64/hello-2.12.1-r0.apk")).toBe(hits);
    expect(diffSnapshots(snapshot(fs1), snapshot(fs2))).toEqual([]);
    expect(text(fs2, "/lib/apk/db/installed")).toBe(text(fs1, "/lib/apk/db/installed"));
    // offline with a cold cache: the catalog answers, and says its sizes are estimates
    const fs3 = alpineRoot(repo, keys());
    const r3 = await apk(fs3, fetcher(cacheDir(), true), ["add", "--no-cache", "make"]);
    expect(r3.code).toBe(0);
    expect(r3.notes.join("\n")).toContain("package sizes are estimated from tsbuild's catalog (alpine-3.20)");
    expect(r3.notes.join("\n")).toContain("not in the content cache");
  });

  it("official-image patterns as RUN steps: --virtual build deps added and deleted in one step; add --no-cache", async () => {
    const step = async (fs: RootFS, script: string) => {
      let out = "";
      fs.beginStep();
      const res = await runCommand(fs, {
        argv: ["/bin/sh", "-c", script], config: { Env: Object.entries({ PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }).map(([k, v]) => `${k}=${v}`), WorkingDir: "/", User: "" },
        stdout: (s) => void (out += s), stderr: (s) => void (out += s), binaries: simulatedBinariesWith({ fetcher: fetcher() }),
        now: () => new Date("2025-02-03T04:05:06Z"),
      });
      return { res, out, layer: await fs.commitStep() };
    };
    const fs = alpineRoot(repo, keys());
    const a = await step(fs, "apk add --no-cache --virtual .build-deps gcc make && mkdir -p /usr/local/bin && echo built > /usr/local/bin/app && apk del .build-deps");
    expect(a.out).not.toMatch(/not found/);
    expect(a.res.exitCode).toBe(0);
    // apk rewrites its four databases on every commit (apk_db_write_config); /lib/apk/exec held the
    // scripts for a moment; make's pre-deinstall left /tmp/make-bye
    expect(a.layer.entries.map((e) => `${e.type} ${e.path}`).sort()).toEqual([
      "dir etc", "dir etc/apk", "dir lib", "dir lib/apk", "dir lib/apk/db", "dir lib/apk/exec", "dir tmp", "dir usr", "dir usr/bin", "dir usr/lib", "dir usr/local", "dir usr/local/bin",
      "file etc/apk/world", "file lib/apk/db/installed", "file lib/apk/db/scripts.tar", "file lib/apk/db/triggers", "file tmp/make-bye", "file usr/local/bin/app",
    ]);
    const b = await step(fs, "apk add --no-cache make");
    expect(b.res.exitCode).toBe(0);
    expect(b.out).toContain("(1/1) Installing make (4.4.1-r2)\nOK: ");
    expect(b.layer.entries.some((e) => e.path.startsWith("var/cache/apk/"))).toBe(false);
    expect(b.layer.entries.some((e) => e.path === "usr/bin/make")).toBe(true);
  });

  it("upgrade refreshes the index and names what tsbuild does not upgrade", async () => {
    const fs = alpineRoot(repo, keys());
    await apk(fs, fetcher(), ["add", "--no-cache", "libgreet=1.0-r0"]);
    fs.writeFile("/etc/apk/world", "busybox\nlibgreet\nmusl\n");
    const r = await apk(fs, fetcher(), ["upgrade"]);
    expect(r.code).toBe(0);
    expect(r.notes.join("\n")).toContain("libgreet (1.0-r0 -> 1.1-r0)");
    expect(fs.exists(cachedIndex())).toBe(true);
  });

  it("the built-in images (placeholder keys) keep the catalog, and the output says its figures are estimates", async () => {
    const fs = await imageFs("alpine:3.19");
    const r = await apk(fs, fetcher(cacheDir(), true), ["update"]);
    expect(r.code).toBe(0);
    expect(r.notes.join("\n")).toContain("package sizes are estimated from tsbuild's catalog (alpine-3.19)");
    expect(r.notes.join("\n")).toMatch(/the "distinct packages" count is an estimate of Alpine's repositories; tsbuild's catalog holds \d+ packages/);
  });

  it("the index record of a package is the record apk writes (installed header order)", async () => {
    const b = await buildApk(SPECS[1], repo.signer);
    expect(indexRecord(SPECS[1], b).split("\n")[0]).toBe(`C:${b.checksum}`);
  });
});
