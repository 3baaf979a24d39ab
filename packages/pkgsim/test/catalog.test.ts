import { describe, expect, it } from "vitest";
import { catalog, extendCatalog } from "@tsbuild/pkgsim";
import { imageFs, run } from "./helpers.js";

describe("catalogs", () => {
  it("bookworm's comes from the Debian archive: real versions, sizes and relations", () => {
    const c = catalog("bookworm");
    const curl = c.get("curl")!;
    expect(curl.version).toMatch(/^7\.88\.1-10\+deb12u\d+$/);
    expect(curl.depends).toContain("libcurl4 (= ");
    expect(c.get("build-essential")!.depends).toContain("g++");
    expect(c.get("git")!.recommends).toContain("less");
    expect(c.get("python3-pip")).toBeDefined();
    expect(c.get("gcc-12")!.files().some((f) => f.path === "/usr/bin/x86_64-linux-gnu-gcc-12")).toBe(true);
  });

  it("Alpine's lists the packages Dockerfiles use most, with dependencies that resolve", () => {
    for (const distro of ["alpine-3.19", "alpine-3.20"] as const) {
      const c = catalog(distro);
      expect(c.names().length).toBeGreaterThanOrEqual(60);
      for (const n of ["build-base", "gcc", "g++", "musl-dev", "make", "cmake", "curl", "wget", "ca-certificates", "openssl",
        "bash", "git", "openssh-client", "python3", "py3-pip", "nodejs", "npm", "postgresql16-client", "tzdata", "su-exec", "tini"]) {
        expect(c.get(n), `${distro} ${n}`).toBeDefined();
      }
      const base = new Set(["musl", "zlib", "libcrypto3", "libssl3", "ca-certificates-bundle", "busybox"]);
      for (const name of c.names()) {
        for (const dep of c.get(name)!.depends.split(/\s+/).filter(Boolean)) {
          const n = dep.replace(/[<>=~].*$/, "");
          expect(base.has(n) || !!c.get(n) || c.providers(n).length > 0, `${distro}: ${name} needs ${n}`).toBe(true);
        }
      }
      expect(c.providers("postgresql-client")[0].name).toBe("postgresql16-client");
    }
  });

  it("a user can add packages and install them", async () => {
    extendCatalog("alpine-3.19", {
      packages: [{
        name: "hello-tool", version: "1.0-r0", installedSize: 123456, depends: "musl", description: "a tool of ours",
        files: ["d 755 /usr/bin", "f 755 123456 /usr/bin/hello-tool"],
      }],
    });
    const fs = await imageFs("alpine:3.19");
    const r = await run(fs, "/sbin/apk", ["add", "--no-cache", "hello-tool"]);
    expect(r.stdout).toContain("(1/1) Installing hello-tool (1.0-r0)");
    expect(fs.stat("/usr/bin/hello-tool").size).toBe(123456);
  });

  it("says what is wrong with a bad package entry", () => {
    expect(() => extendCatalog("bookworm", { packages: [{ name: "x" } as never] }))
      .toThrow(/needs name, version and installedSize/);
    expect(() => catalog("sid" as never)).toThrow(/unknown catalog "sid"/);
  });
});
