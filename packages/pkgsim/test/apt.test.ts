import { describe, expect, it } from "vitest";
import { catalog, parseParagraphs } from "@tsbuild/pkgsim";
import { bytesUnder, diffSnapshots, imageFs, run, snapshot } from "./helpers.js";

const APT_GET = "/usr/bin/apt-get";
const DPKG = "/usr/bin/dpkg";

async function updated(ref = "debian:bookworm-slim") {
  const fs = await imageFs(ref);
  expect((await run(fs, APT_GET, ["update"])).code).toBe(0);
  return fs;
}

const installedNames = (out: string) =>
  out.split("\n").map((l) => /^Unpacking (\S+?)(?::amd64)? \(/.exec(l)?.[1]).filter((n): n is string => !!n);

describe("apt-get update", () => {
  it("prints apt's lines and fills /var/lib/apt/lists with indexes of the real sizes", async () => {
    const fs = await imageFs("debian:bookworm-slim");
    const r = await run(fs, APT_GET, ["update"]);
    expect(r.stdout).toContain("Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]\n");
    expect(r.stdout).toContain("Get:4 http://deb.debian.org/debian bookworm/main amd64 Packages [8790 kB]\n");
    expect(r.stdout).toContain("bookworm-security/main amd64 Packages [378 kB]");
    const lists = fs.readdir("/var/lib/apt/lists");
    expect(lists).toContain("deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4");
    const bytes = bytesUnder(fs, "/var/lib/apt/lists");
    expect(bytes).toBeGreaterThan(19_000_000);
    expect(bytes).toBeLessThan(21_000_000);
    // docker-clean turns off apt's binary caches
    expect(fs.readdir("/var/cache/apt")).toEqual(["archives"]);
  });
});

describe("apt-get install", () => {
  it("fails without lists, as apt does before an update", async () => {
    const fs = await imageFs("debian:bookworm-slim");
    const r = await run(fs, APT_GET, ["install", "-y", "curl"]);
    expect(r.code).toBe(100);
    expect(r.stderr).toBe("E: Unable to locate package curl\n");
  });

  it("an unknown package: E: Unable to locate package, exit 100", async () => {
    const fs = await updated();
    const r = await run(fs, APT_GET, ["install", "-y", "nosuchpkg"]);
    expect(r.code).toBe(100);
    expect(r.stdout).toBe("Reading package lists...\nBuilding dependency tree...\nReading state information...\n");
    expect(r.stderr).toBe("E: Unable to locate package nosuchpkg\n");
  });

  it("asks before installing extra packages, and aborts without -y (no terminal in a build)", async () => {
    const fs = await updated();
    const r = await run(fs, APT_GET, ["install", "curl"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Do you want to continue\? \[Y\/n\] Abort\.\n$/);
    expect(fs.exists("/usr/bin/curl")).toBe(false);
  });

  it("installs dependencies and recommends by default", async () => {
    const fs = await updated();
    const r = await run(fs, APT_GET, ["install", "-y", "curl"]);
    expect(r.code).toBe(0);
    const names = installedNames(r.stdout);
    expect(names).toEqual(expect.arrayContaining(["curl", "libcurl4", "libssl3", "ca-certificates", "openssl", "publicsuffix"]));
    expect(names.indexOf("libcurl4")).toBeLessThan(names.indexOf("curl"));
    expect(r.stdout).toContain("The following NEW packages will be installed:\n");
    expect(r.stdout).toMatch(/0 upgraded, \d+ newly installed, 0 to remove and 0 not upgraded\.\n/);
    expect(r.stdout).toMatch(/Need to get [\d.]+ [kM]B of archives\.\n/);
    expect(r.stdout).toContain("Setting up curl (7.88.1-10+deb12u");
    expect(r.stdout).toContain("Processing triggers for libc-bin (2.36-9+deb12u");
    expect(fs.stat("/usr/bin/curl").size).toBeGreaterThan(100_000);
    // the slim image's dpkg excludes: copyright kept, manual pages dropped
    expect(fs.exists("/usr/share/doc/curl/copyright")).toBe(true);
    expect(fs.exists("/usr/share/man/man1/curl.1.gz")).toBe(false);
    // docker-clean: the downloaded .debs are gone again
    expect(fs.readdir("/var/cache/apt/archives").filter((n) => n.endsWith(".deb"))).toEqual([]);
    const auto = fs.readFile("/var/lib/apt/extended_states").toString();
    expect(auto).toContain("Package: libcurl4\nArchitecture: amd64\nAuto-Installed: 1\n");
    expect(auto).not.toContain("Package: curl\n");
  });

  it("--no-install-recommends installs dependencies only and names the recommends it skipped", async () => {
    const fs = await updated();
    const r = await run(fs, APT_GET, ["install", "-y", "--no-install-recommends", "curl"]);
    const names = installedNames(r.stdout);
    expect(names).toContain("libcurl4");
    expect(names).not.toContain("ca-certificates");
    expect(r.stdout).toMatch(/Recommended packages:\n {2}[^\n]*ca-certificates/);
    const withRec = catalog("bookworm").get("ca-certificates")!;
    expect(fs.exists(`/usr/share/doc/${withRec.name}`)).toBe(false);
  });

  it("keeps the .debs in /var/cache/apt/archives until clean when docker-clean is gone", async () => {
    const fs = await updated();
    fs.unlink("/etc/apt/apt.conf.d/docker-clean");
    await run(fs, APT_GET, ["install", "-y", "--no-install-recommends", "jq"]);
    const debs = fs.readdir("/var/cache/apt/archives").filter((n) => n.endsWith(".deb"));
    expect(debs.sort().map((n) => n.split("_")[0])).toEqual(["jq", "libjq1", "libonig5"]);
    expect(fs.exists("/var/cache/apt/pkgcache.bin")).toBe(true);
    await run(fs, APT_GET, ["clean"]);
    expect(fs.readdir("/var/cache/apt/archives").filter((n) => n.endsWith(".deb"))).toEqual([]);
    expect(fs.exists("/var/cache/apt/pkgcache.bin")).toBe(false);
  });

  it("a package the image has is already the newest version, and becomes manual", async () => {
    const fs = await updated();
    const r = await run(fs, APT_GET, ["install", "-y", "bash"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^bash is already the newest version \(5\.2\.15-2\+b\d+\)\.\nbash set to manually installed\.\n/m);
    expect(fs.readFile("/var/lib/apt/extended_states").toString()).not.toContain("Package: bash\n");
  });

  it("needs root", async () => {
    const fs = await imageFs("debian:bookworm-slim");
    const r = await run(fs, APT_GET, ["update"], { uid: 1000, gid: 1000 });
    expect(r.code).toBe(100);
    expect(r.stderr).toContain("are you root?");
  });
});

describe("dpkg database", () => {
  it("status stays in dpkg's format and parses", async () => {
    const fs = await updated();
    await run(fs, APT_GET, ["install", "-y", "--no-install-recommends", "jq"]);
    const paras = parseParagraphs(fs.readFile("/var/lib/dpkg/status").toString());
    expect(paras.length).toBe(91);
    for (const p of paras) {
      const keys = p.map(([k]) => k);
      expect(keys[0]).toBe("Package");
      expect(keys).toContain("Status");
      expect(keys).toContain("Version");
    }
    const names = paras.map((p) => p[0][1]);
    expect(names).toEqual([...names].sort());
    const jq = paras.find((p) => p[0][1] === "jq")!;
    expect(Object.fromEntries(jq)).toMatchObject({ Status: "install ok installed", Architecture: "amd64", Version: "1.6-2.1+deb12u3" });
    expect(fs.readFile("/var/lib/dpkg/status-old").toString()).not.toContain("Package: jq\n");
    expect(fs.readFile("/var/lib/dpkg/info/jq.list").toString()).toMatch(/^\/\.\n/);
  });

  it("dpkg -l and dpkg -L read it", async () => {
    const fs = await updated();
    await run(fs, APT_GET, ["install", "-y", "--no-install-recommends", "jq"]);
    const l = await run(fs, DPKG, ["-l"]);
    expect(l.stdout.split("\n")[0]).toBe("Desired=Unknown/Install/Remove/Purge/Hold");
    expect(l.stdout).toMatch(/^ii {2}jq +1\.6-2\.1\+deb12u3 +amd64 +lightweight and flexible command-line JSON processor$/m);
    expect(l.stdout).toMatch(/^ii {2}libjq1:amd64 /m);
    const L = await run(fs, DPKG, ["-L", "jq"]);
    expect(L.stdout).toContain("/usr/bin/jq\n");
    const missing = await run(fs, DPKG, ["-L", "curl"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("dpkg-query: package 'curl' is not installed");
  });
});

describe("remove, purge, autoremove", () => {
  it("remove leaves the automatic dependencies until autoremove; the tree ends as it began", async () => {
    const fs = await updated();
    const ignore = (p: string) => p.startsWith("/var/lib/dpkg/") || p.startsWith("/var/log/") || p.startsWith("/var/lib/apt/") ||
      p.startsWith("/var/cache/apt/") || p === "/etc/ld.so.cache" || p.startsWith("/var/cache/ldconfig");
    const before = snapshot(fs, ignore);
    await run(fs, APT_GET, ["install", "-y", "--no-install-recommends", "jq"]);
    const rm = await run(fs, APT_GET, ["remove", "-y", "jq"]);
    expect(rm.code).toBe(0);
    expect(rm.stdout).toContain("The following packages were automatically installed and are no longer required:\n  libjq1 libonig5\nUse 'apt-get autoremove' to remove them.\n");
    expect(rm.stdout).toContain("Removing jq (1.6-2.1+deb12u3) ...");
    expect(fs.exists("/usr/bin/jq")).toBe(false);
    const auto = await run(fs, APT_GET, ["autoremove", "-y"]);
    expect(auto.stdout).toContain("The following packages will be REMOVED:\n  libjq1 libonig5\n");
    expect(diffSnapshots(before, snapshot(fs, ignore))).toEqual([]);
    const status = fs.readFile("/var/lib/dpkg/status").toString();
    expect(status).not.toMatch(/^Package: (jq|libjq1|libonig5)$/m);
  });

  it("purge --auto-remove in one go, and essential packages are refused", async () => {
    const fs = await updated();
    await run(fs, APT_GET, ["install", "-y", "--no-install-recommends", "jq"]);
    const r = await run(fs, APT_GET, ["purge", "-y", "--auto-remove", "jq"]);
    expect(r.stdout).toContain("The following packages will be REMOVED:\n  jq* libjq1* libonig5*\n");
    const ess = await run(fs, APT_GET, ["remove", "-y", "bash"]);
    expect(ess.code).toBe(100);
    expect(fs.exists("/usr/bin/bash")).toBe(true);
  });
});

describe("ubuntu images", () => {
  it("apt-get update reads the Ubuntu sources", async () => {
    const fs = await imageFs("ubuntu:22.04");
    const r = await run(fs, APT_GET, ["update"]);
    expect(r.stdout).toContain("Get:1 http://archive.ubuntu.com/ubuntu jammy InRelease");
    expect(r.stdout).toContain("http://security.ubuntu.com/ubuntu jammy-security InRelease");
    expect(r.stdout.match(/ jammy InRelease/g)).toHaveLength(1);
  });

  it("autoremove finds nothing to remove in a fresh image", async () => {
    for (const ref of ["ubuntu:22.04", "ubuntu:24.04", "debian:bookworm-slim"]) {
      const fs = await imageFs(ref);
      await run(fs, APT_GET, ["update"]);
      const r = await run(fs, APT_GET, ["autoremove", "-y"]);
      expect(r.stdout, ref).toContain("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.");
    }
  });
});
