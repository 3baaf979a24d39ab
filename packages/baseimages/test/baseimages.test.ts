import { describe, expect, it } from "vitest";
import { RootFS, layerSize } from "@tsbuild/fs-snapshot";
import { builtinImage, builtinRefs, normalizeRef } from "@tsbuild/baseimages";
import { serializeConfig, sha256Digest } from "@tsbuild/image";

/** Uncompressed sizes of the real images (repo-info "Virtual Size", Docker's 1000-based MB). */
const REAL_SIZES: Record<string, number> = {
  "busybox:1.36": 4_260_000,
  "alpine:3.19": 7_400_000,
  "alpine:3.20": 7_800_000,
  "debian:bookworm-slim": 74_800_000,
  "ubuntu:22.04": 77_870_000,
  "ubuntu:24.04": 78_140_000,
};

describe("built-in image references", () => {
  it("normalises names the way Docker does", () => {
    expect(normalizeRef("alpine")).toBe("alpine:latest");
    expect(normalizeRef("docker.io/library/alpine:3.19")).toBe("alpine:3.19");
    expect(builtinImage("alpine")?.ref).toBe("alpine:3.20");
    expect(builtinImage("alpine:3.19.9")?.ref).toBe("alpine:3.19");
    expect(builtinImage("busybox")?.ref).toBe("busybox:1.36");
    expect(builtinImage("ubuntu:jammy")?.ref).toBe("ubuntu:22.04");
    expect(builtinImage("debian:12-slim")?.ref).toBe("debian:bookworm-slim");
  });

  it("has no image for other names", () => {
    expect(builtinImage("alpine:3.4")).toBeUndefined();
    expect(builtinImage("nginx")).toBeUndefined();
    expect(builtinImage("Not A Ref!")).toBeUndefined();
  });

  it("lists every name it answers to", () => {
    const refs = builtinRefs();
    for (const r of ["busybox:latest", "alpine:3.19", "alpine:3.20", "alpine:latest", "debian:bookworm-slim",
      "debian:bookworm", "ubuntu:22.04", "ubuntu:24.04", "ubuntu:jammy", "ubuntu:noble"]) expect(refs).toContain(r);
  });

  // The names are read from the data files' heads; each must lead to the image that lists it.
  it("answers every name it lists with an image whose name is listed too", () => {
    const refs = builtinRefs();
    const canonical = new Set(refs.map((r) => builtinImage(r)?.ref));
    expect([...canonical].sort()).toEqual(["alpine:3.19", "alpine:3.20", "busybox:1.36", "debian:bookworm", "debian:bookworm-slim", "ubuntu:22.04", "ubuntu:24.04"]);
    for (const r of canonical) expect(refs).toContain(r);
  });
});

describe("sizes", () => {
  for (const [ref, real] of Object.entries(REAL_SIZES)) {
    it(`${ref} is within 5% of the real image (${real} B)`, async () => {
      const img = builtinImage(ref)!;
      const measured = await layerSize(img.layerTar());
      expect(measured).toBe(img.size());
      expect(Math.abs(measured - real) / real).toBeLessThan(0.05);
    });
  }
});

describe("determinism", () => {
  it("generates the same bytes twice", () => {
    const img = builtinImage("alpine:3.19")!;
    expect(img.layerTar().equals(builtinImage("alpine:3.19")!.layerTar())).toBe(true);
  });

  it("pins the diffIDs, so a change to the bytes shows", () => {
    expect(builtinImage("alpine:3.19")!.diffID()).toBe(PINNED["alpine:3.19"]);
    expect(builtinImage("busybox:1.36")!.diffID()).toBe(PINNED["busybox:1.36"]);
  });

  it("puts the diffID into the config", () => {
    const img = builtinImage("alpine:3.20")!;
    const cfg = img.config();
    expect(cfg.rootfs.diff_ids).toEqual([img.diffID()]);
    expect(cfg.config.Cmd).toEqual(["/bin/sh"]);
    expect(cfg.config.Env).toEqual(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]);
    expect(builtinImage("debian:bookworm-slim")!.config().config.Cmd).toEqual(["bash"]);
    expect(builtinImage("ubuntu:22.04")!.config().config.Labels).toEqual({
      "org.opencontainers.image.ref.name": "ubuntu", "org.opencontainers.image.version": "22.04",
    });
  });
});

const PINNED: Record<string, string> = {
  "alpine:3.19": "sha256:39e25f3affa254160ed063697646104e475ef3e05a5b8da5fa0ab99fdc809e6d",
  "busybox:1.36": "sha256:c8677758009d592ebec4316049dc9c6274a2ea732f56b7fd957b3167b77ef2de",
};

async function rootfsOf(ref: string): Promise<RootFS> {
  const fs = new RootFS();
  await fs.applyLayer(builtinImage(ref)!.layerTar());
  return fs;
}

describe("contents", () => {
  it("alpine has busybox applet links, its release files and apk's database", async () => {
    const fs = await rootfsOf("alpine:3.19");
    expect(fs.readlink("/bin/sh")).toBe("/bin/busybox");
    expect(fs.readlink("/usr/bin/wget")).toBe("/bin/busybox");
    expect(fs.readFile("/etc/alpine-release").toString()).toBe("3.19.9\n");
    expect(fs.readFile("/etc/os-release").toString()).toContain("VERSION_ID=3.19.9");
    expect(fs.readFile("/etc/apk/repositories").toString()).toContain("https://dl-cdn.alpinelinux.org/alpine/v3.19/main");
    const db = fs.readFile("/lib/apk/db/installed").toString();
    expect(db.match(/^P:/gm)).toHaveLength(15);
    expect(db).toContain("P:musl\nV:1.2.4_git20230717-r5\n");
    expect(fs.readFile("/etc/apk/world").toString().split("\n")).toContain("busybox");
    expect(fs.stat("/bin/busybox").size).toBeGreaterThan(800_000);
    expect(fs.stat("/tmp").mode).toBe(0o1777);
  });

  it("busybox has its applets as hard links of one binary", async () => {
    const fs = await rootfsOf("busybox:latest");
    const bb = fs.stat("/bin/busybox");
    expect(fs.stat("/bin/ls").ino).toBe(bb.ino);
    expect(bb.nlink).toBeGreaterThan(390);
    expect(fs.readFile("/etc/passwd").toString()).toMatch(/^root:x:0:0:root:\/root:\/bin\/sh$/m);
    expect(fs.stat("/home").uid).toBe(65534);
  });

  it("debian:bookworm-slim has dpkg's status, apt's docker config and merged /usr", async () => {
    const fs = await rootfsOf("debian:bookworm-slim");
    expect(fs.readlink("/bin")).toBe("usr/bin");
    const status = fs.readFile("/var/lib/dpkg/status").toString();
    expect(status.match(/^Package: /gm)).toHaveLength(88);
    expect(status).toContain("Package: apt\nStatus: install ok installed\n");
    expect(fs.readFile("/etc/apt/apt.conf.d/docker-clean").toString()).toContain("DPkg::Post-Invoke");
    expect(fs.readFile("/etc/dpkg/dpkg.cfg.d/docker").toString()).toContain("path-exclude /usr/share/doc/*");
    expect(fs.readFile("/etc/os-release").toString()).toContain("VERSION_CODENAME=bookworm");
    expect(fs.readFile("/var/lib/dpkg/info/bash.list").toString()).toContain("/bin/bash\n");
    expect(fs.readdir("/var/lib/apt/lists")).toEqual(["auxfiles", "partial"]);
  });

  it("ubuntu images carry Ubuntu's identity and sources", async () => {
    const jammy = await rootfsOf("ubuntu:22.04");
    expect(jammy.readFile("/etc/os-release").toString()).toContain("VERSION_CODENAME=jammy");
    expect(jammy.readFile("/etc/apt/sources.list").toString()).toContain("deb http://archive.ubuntu.com/ubuntu/ jammy main restricted");
    const status = jammy.readFile("/var/lib/dpkg/status").toString();
    expect(status.match(/^Package: /gm)).toHaveLength(101);
    expect(status).toMatch(/^Package: bash\n(.+\n)*Version: 5\.1-6ubuntu1\.1\n/m);
    expect(status).toContain("Package: ubuntu-keyring\n");
    const noble = await rootfsOf("ubuntu:24.04");
    expect(noble.readFile("/etc/passwd").toString()).toContain("ubuntu:x:1000:1000:");
    expect(noble.stat("/home/ubuntu").uid).toBe(1000);
  });
});

describe("a built-in image is an Image", () => {
  it("has the config's bytes and ID, one layer with the built-in's diffID and size, and the tags FROM gives it", async () => {
    const b = builtinImage("busybox")!;
    const img = b.image();
    expect(img).toBe(b.image());
    expect((await img.rawConfig()).equals(serializeConfig(b.config()))).toBe(true);
    expect(await img.id()).toBe(sha256Digest(serializeConfig(b.config())));
    const [layer] = await img.layers();
    expect(await layer.diffID()).toBe(b.diffID());
    expect(await layer.size()).toBe(b.size());
    expect(b.tags("busybox")).toEqual(["busybox:1.36", "busybox"]);
  });
});
