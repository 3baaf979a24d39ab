import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Fetcher } from "@tsbuild/fetch";
import type { RootFS } from "@tsbuild/fs-snapshot";
import { loadModels } from "@tsbuild/models";
import { simulatedBinariesWith } from "@tsbuild/pkgsim";
import { runCommand } from "@tsbuild/shell";
import { imageFs, PATH } from "./helpers.js";

/**
 * packages/shell/programs.md lists every program the official images' RUN lines call. Each must
 * be covered: no row says "not covered", and each name, run in a built-in image, reaches an
 * implementation, a simulated tool or a shipped model rather than status 127 and the hint.
 */
const table = readFileSync(new URL("../../shell/programs.md", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.startsWith("| `"))
  .map((l) => {
    const [names, , status] = l.slice(1).split(" | ");
    return { names: [...names.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), status: status!, line: l };
  });

/** How an image's Dockerfile calls a name, where `NAME --version` would not reach its model. */
const SAMPLE: Record<string, string> = {
  "command -v": "command -v sh",
  "./configure": "./configure --prefix=/usr/local",
  go: "go version",
  pecl: "pecl update-channels",
  "docker-php-ext-enable": "docker-php-ext-enable opcache",
  "docker-php-source": "docker-php-source extract",
  httpd: "httpd -v",
  gpgconf: "gpgconf --kill all",
  openssl: "openssl version",
  scanelf: "scanelf --needed --nobanner --format '%n#p' --recursive /usr/local",
  ldconfig: "ldconfig",
  locale: "locale -a",
  "locale-gen": "locale-gen",
  a2enmod: "a2enmod rewrite",
  a2dismod: "a2dismod autoindex",
  a2enconf: "a2enconf docker-php",
  "apt-mark": "apt-mark showmanual",
  "dpkg-architecture": "dpkg-architecture --query DEB_BUILD_GNU_TYPE",
  "dpkg-buildflags": "dpkg-buildflags --get CFLAGS",
  "dpkg-scanpackages": "dpkg-scanpackages .",
  "dpkg-divert": "dpkg-divert --list",
  curl: "curl -fsSL -o /tmp/f https://tsbuild.invalid/f",
  wget: "wget -q -O /tmp/f https://tsbuild.invalid/f",
  gpg: "gpg --batch --list-keys",
};

const cache = mkdtempSync(join(tmpdir(), "tsbuild-programs-"));
afterAll(() => rmSync(cache, { recursive: true, force: true }));
// As the builder runs RUN: curl, wget and gpg with a Fetcher (offline: tests do not use the network).
const binaries = simulatedBinariesWith({ fetcher: new Fetcher({ cache, offline: true, retries: 0 }) });
const models = loadModels();

/** One RUN of the name's sample in an image; a name the image lacks gets the zero-filled stand-in its package would install. */
async function tryIn(image: string, name: string): Promise<{ exitCode: number; output: string }> {
  const fs: RootFS = await imageFs(image);
  const word = name.split(" ")[0]!;
  if (name === "./configure") fs.writeFile("/configure", Buffer.alloc(64), { mode: 0o755 });
  else if (!name.includes(" ") && !fs.exists(`/usr/bin/${word}`) && !fs.exists(`/bin/${word}`) && !fs.exists(`/usr/sbin/${word}`) && !fs.exists(`/sbin/${word}`))
    fs.writeFile(`/usr/bin/${word}`, Buffer.alloc(64), { mode: 0o755 });
  let output = "";
  const r = await runCommand(fs, {
    argv: ["/bin/sh", "-c", SAMPLE[name] ?? `${name} --version`],
    config: { Env: [`PATH=${PATH}`], WorkingDir: "/" },
    binaries,
    models,
    stdout: (s) => void (output += s),
    stderr: (s) => void (output += s),
    notes: (l) => void (output += `${l}\n`),
  });
  return { exitCode: r.exitCode, output };
}

describe("programs.md: the official images' programs", () => {
  it("lists programs, none of them uncovered", () => {
    expect(table.length).toBeGreaterThan(20);
    expect(table.filter((r) => /not covered/i.test(r.status)).map((r) => r.line)).toEqual([]);
  });

  for (const row of table)
    for (const name of row.names)
      it(`${name} runs in debian:bookworm-slim or alpine:3.19 (not 127)`, async () => {
        const tries = [await tryIn("debian:bookworm-slim", name), await tryIn("alpine:3.19", name)];
        const covered = tries.filter((t) => t.exitCode !== 127 && !t.output.includes("hint: declare what"));
        expect(covered.length, `${name}:\n${tries.map((t) => `${t.exitCode}: ${t.output}`).join("\n")}`).toBeGreaterThan(0);
      });
});

describe("models of the official images' programs", () => {
  async function run(image: string, script: string) {
    const fs = await imageFs(image);
    let stdout = "";
    let stderr = "";
    const notes: string[] = [];
    const r = await runCommand(fs, {
      argv: ["/bin/sh", "-c", script],
      config: { Env: [`PATH=${PATH}`], WorkingDir: "/" },
      binaries,
      models,
      stdout: (s) => void (stdout += s),
      stderr: (s) => void (stderr += s),
      notes: (l) => void notes.push(l),
    });
    return { fs, exitCode: r.exitCode, stdout, stderr, notes };
  }

  it("scanelf --needed keeps the official images' run-deps pipeline and its apk add valid", async () => {
    const r = await run(
      "alpine:3.19",
      // The images' awk step also drops libraries found in /usr/local/lib with system(), which
      // just-bash's awk does not run: that step is left out here.
      `runDeps="$(scanelf --needed --nobanner --format '%n#p' --recursive /usr/local | tr ',' '\\n' | sort -u | awk '{ print "so:" $1 }')"; echo "$runDeps"; apk add --no-cache $runDeps > /dev/null && echo added`,
    );
    expect(r.stdout).toBe("so:libc.musl-x86_64.so.1\nadded\n");
    expect(r.exitCode).toBe(0);
  });

  it("print what scripts read: dpkg-architecture, dpkg-buildflags, versions", async () => {
    const r = await run(
      "debian:bookworm-slim",
      'gnuArch="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE)"; echo "$gnuArch"; dpkg-architecture -qDEB_HOST_ARCH; dpkg-buildflags --get LDFLAGS; node --version; openssl version; locale -a',
    );
    expect(r.stdout).toBe("x86_64-linux-gnu\namd64\n-Wl,-z,relro\nv20.18.1\nOpenSSL 3.0.15 3 Sep 2024 (Library: OpenSSL 3.0.15 3 Sep 2024)\nC\nC.utf8\nPOSIX\n");
    expect(r.notes.every((n) => n.includes("simulated by model"))).toBe(true);
  });

  it("write the files they would, of estimated sizes", async () => {
    const r = await run("debian:bookworm-slim", "locale-gen && a2enmod rewrite && docker-php-ext-enable opcache && a2dismod rewrite");
    expect(r.exitCode).toBe(0);
    expect(r.fs.lstat("/usr/lib/locale/locale-archive").size).toBe(3_000_000);
    expect(r.fs.lstat("/usr/local/etc/php/conf.d/docker-php-ext-opcache.ini").size).toBe(30);
    expect(r.fs.exists("/etc/apache2/mods-enabled/rewrite.load")).toBe(false);
  });

  it("fail clearly where a model cannot stand in (gpg1), and leave running a server to the hint", async () => {
    const g = await run("debian:bookworm-slim", "gpg1 --batch --verify x.asc x");
    expect(g.exitCode).toBe(2);
    expect(g.stderr).toContain("tsbuild: gpg1 is not simulated; use gpg");
    const s = await run("alpine:3.19", "redis-server --port 6379");
    expect(s.exitCode).toBe(127);
    expect(s.notes).toEqual(['hint: declare what "redis-server" does in tsbuild.models.json (see packages/models/README.md)']);
  });
});
