import { describe, expect, it } from "vitest";
import { catalog, parseInstalled } from "@tsbuild/pkgsim";
import { bytesUnder, diffSnapshots, imageFs, run, snapshot } from "./helpers.js";

const APK = "/sbin/apk";

describe("apk add / del", () => {
  it("installs a package with its dependencies, in order, with apk's messages", async () => {
    const fs = await imageFs("alpine:3.19");
    const r = await run(fs, APK, ["add", "--no-cache", "curl"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("fetch https://dl-cdn.alpinelinux.org/alpine/v3.19/main/x86_64/APKINDEX.tar.gz\n");
    const installs = r.stdout.split("\n").filter((l) => / Installing /.test(l));
    expect(installs.at(-1)).toMatch(/^\(\d+\/\d+\) Installing curl \(8\.5\.0-r0\)$/);
    expect(installs.findIndex((l) => l.includes(" libcurl "))).toBeLessThan(installs.length - 1);
    expect(r.stdout).toMatch(/\nOK: \d+ MiB in \d+ packages\n$/);
    expect(fs.stat("/usr/bin/curl").size).toBe(catalog("alpine-3.19").get("curl")!.installedSize);
    const db = parseInstalled(fs.readFile("/lib/apk/db/installed").toString());
    expect(db.find((p) => p.name === "curl")?.files).toContain("/usr/bin/curl");
    expect(fs.readFile("/etc/apk/world").toString().split("\n")).toContain("curl");
    expect(fs.exists("/var/cache/apk") ? fs.readdir("/var/cache/apk") : []).toEqual([]);
  });

  it("add then del leaves the tree as it was", async () => {
    const fs = await imageFs("alpine:3.19");
    const before = snapshot(fs);
    const dbBefore = fs.readFile("/lib/apk/db/installed").toString();
    expect((await run(fs, APK, ["add", "--no-cache", "git", "bash"])).code).toBe(0);
    expect(fs.exists("/usr/bin/git")).toBe(true);
    const del = await run(fs, APK, ["del", "git", "bash"]);
    expect(del.code).toBe(0);
    expect(del.stdout).toMatch(/\(1\/\d+\) Purging /);
    expect(diffSnapshots(before, snapshot(fs))).toEqual([]);
    expect(fs.readFile("/lib/apk/db/installed").toString()).toBe(dbBefore);
  });

  it("--virtual groups build dependencies that one del removes, keeping what others need", async () => {
    const fs = await imageFs("alpine:3.19");
    await run(fs, APK, ["add", "--no-cache", "libstdc++"]);
    const r = await run(fs, APK, ["add", "--no-cache", "--virtual", ".build-deps", "gcc", "musl-dev"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\((\d+)\/\1\) Installing \.build-deps \(\d{8}\.\d{6}\)/);
    const world = fs.readFile("/etc/apk/world").toString().split("\n");
    expect(world).toContain(".build-deps");
    expect(world).not.toContain("gcc");
    expect(fs.exists("/usr/libexec/gcc/x86_64-alpine-linux-musl/13.2.1/cc1")).toBe(true);
    const d = await run(fs, APK, ["del", ".build-deps"]);
    expect(d.stdout).toMatch(/^\(1\/\d+\) Purging \.build-deps /);
    expect(fs.exists("/usr/bin/gcc")).toBe(false);
    expect(fs.exists("/usr/bin/ld")).toBe(false);
    expect(fs.exists("/usr/lib/libstdc++.so.6")).toBe(true); // still wanted by world
  });

  it("-t is --virtual, and build-base pulls in the toolchain", async () => {
    const fs = await imageFs("alpine:3.20");
    const r = await run(fs, APK, ["add", "--no-cache", "-t", ".bd", "build-base"]);
    expect(r.code).toBe(0);
    for (const p of ["gcc", "g++", "make", "musl-dev", "binutils", "libc-dev", "fortify-headers", "patch", "file"]) {
      expect(r.stdout).toContain(` Installing ${p} (`);
    }
    const cat = catalog("alpine-3.20");
    const names = r.stdout.split("\n").map((l) => / Installing (\S+) /.exec(l)?.[1]).filter((n): n is string => !!n && n !== ".bd");
    const expected = names.reduce((s, n) => s + cat.get(n)!.installedSize, 0);
    expect(bytesUnder(fs, "/usr")).toBeGreaterThan(expected * 0.95);
  });

  it("without --no-cache keeps the indexes in /var/cache/apk; with /etc/apk/cache the packages too", async () => {
    const fs = await imageFs("alpine:3.19");
    await run(fs, APK, ["add", "tini"]);
    const cached = fs.readdir("/var/cache/apk");
    expect(cached).toHaveLength(2);
    expect(cached.every((n) => /^APKINDEX\.[0-9a-f]{8}\.tar\.gz$/.test(n))).toBe(true);
    expect(bytesUnder(fs, "/var/cache/apk")).toBeGreaterThan(1_000_000);
    const again = await run(fs, APK, ["add", "su-exec"]);
    expect(again.stdout).not.toContain("fetch ");
    fs.mkdir("/etc/apk/cache");
    await run(fs, APK, ["add", "jq"]);
    expect(fs.readdir("/etc/apk/cache").filter((n) => n.endsWith(".apk")).sort().map((n) => n.replace(/\.[0-9a-f]{8}\.apk$/, "")))
      .toEqual(["jq-1.7.1-r0", "oniguruma-6.9.9-r0"]);
    expect((await run(fs, APK, ["cache", "clean"])).code).toBe(0);
    expect(fs.readdir("/etc/apk/cache")).toEqual([]);
  });

  it("apk update fetches every repository and reports the index", async () => {
    const fs = await imageFs("alpine:3.20");
    const r = await run(fs, APK, ["update"]);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^fetch /gm)).toHaveLength(2);
    expect(r.stdout).toMatch(/^v3\.20\.6-1-g[0-9a-f]{11} \[https:\/\/dl-cdn\.alpinelinux\.org\/alpine\/v3\.20\/main\]$/m);
    expect(r.stdout).toMatch(/OK: \d+ distinct packages available\n$/);
  });
});

describe("apk errors", () => {
  it("an unknown package: apk's message and exit 1, nothing changed", async () => {
    const fs = await imageFs("alpine:3.19");
    const before = snapshot(fs, (p) => p.startsWith("/var/cache/apk"));
    const r = await run(fs, APK, ["add", "--no-cache", "nosuch"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("ERROR: unable to select packages:\n  nosuch (no such package):\n    required by: world[nosuch]\n");
    expect(diffSnapshots(before, snapshot(fs, (p) => p.startsWith("/var/cache/apk")))).toEqual([]);
  });

  it("a pinned version that is not in the catalog", async () => {
    const fs = await imageFs("alpine:3.19");
    const ok = await run(fs, APK, ["add", "--no-cache", "curl=8.5.0-r0"]);
    expect(ok.code).toBe(0);
    expect(fs.readFile("/etc/apk/world").toString()).toContain("curl=8.5.0-r0\n");
    const bad = await run(fs, APK, ["add", "--no-cache", "jq=1.2.3"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("  jq-1.7.1-r0:\n    breaks: world[jq=1.2.3]");
  });

  it("needs root", async () => {
    const fs = await imageFs("alpine:3.19");
    const r = await run(fs, APK, ["add", "curl"], { uid: 1000, gid: 1000 });
    expect(r.code).toBe(99);
    expect(r.stderr).toContain("Permission denied");
  });

  it("del of a package something else still needs keeps it and says why", async () => {
    const fs = await imageFs("alpine:3.19");
    await run(fs, APK, ["add", "--no-cache", "curl"]);
    const r = await run(fs, APK, ["del", "libcurl"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("World updated, but the following packages are not removed due to:\n  libcurl: curl\n");
    expect(fs.exists("/usr/lib/libcurl.so.4")).toBe(true);
  });

  it("info lists what is installed", async () => {
    const fs = await imageFs("alpine:3.19");
    const r = await run(fs, APK, ["info"]);
    expect(r.stdout.split("\n")).toContain("musl");
    expect((await run(fs, APK, ["info", "-e", "curl"])).code).toBe(1);
  });
});
