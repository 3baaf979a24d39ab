import { readFileSync } from "node:fs";
import type { RootFS } from "@tsbuild/fs-snapshot";
import { describe, expect, it } from "vitest";
import { baseFs, CONFORMANCE, expectedLayers, freshRun, runStep } from "./helpers.js";

/**
 * The RUN steps of the conformance cases, run through runCommand on the case's base image:
 * each step's layer must be exactly the layer real Docker produced. COPY and WORKDIR effects
 * that a RUN depends on are set up directly on the RootFS (they are the builder's job).
 */
interface Run {
  /** Shell-form command, or exec-form argv. */
  cmd: string | string[];
  /** Index of the layer in expected.json; undefined: Docker's layer was empty. */
  layer?: number;
  cwd?: string;
  env?: Record<string, string>;
}

interface Case {
  base: "busybox" | "alpine-sim";
  setup?: (fs: RootFS) => void;
  runs: Run[];
}

const context = (name: string, file: string) => readFileSync(`${CONFORMANCE}/cases/${name}/context/${file}`);

const CASES: Record<string, Case> = {
  "c05-copy-chown": {
    base: "busybox",
    runs: [{ cmd: 'echo "app:x:2000:2000::/home/app:/bin/sh" >> /etc/passwd && echo "app:x:2000:" >> /etc/group', layer: 4 }],
  },
  "c07-workdir": {
    base: "busybox",
    setup: (fs) => fs.mkdir("/a/b/c/rel/dir", { recursive: true }),
    runs: [{ cmd: "pwd > /pwd.txt", cwd: "/a/b/c/rel/dir", layer: 3 }],
  },
  "c08-run-delete": {
    base: "busybox",
    runs: [
      { cmd: "mkdir -p /d/e && echo one > /d/f && echo two > /d/e/g", layer: 1 },
      { cmd: "rm /d/f", layer: 2 },
      { cmd: "rm -rf /d/e", layer: 3 },
      { cmd: "rm /etc/motd", layer: 4 },
      { cmd: "rm -rf /d", layer: 5 },
    ],
  },
  "c09-run-opaque": {
    base: "busybox",
    runs: [
      { cmd: "mkdir -p /o/sub && touch /o/sub/x /o/y && echo keep > /o/keep", layer: 1 },
      { cmd: "rm -rf /o && mkdir /o && echo new > /o/z", layer: 2 },
      { cmd: "rm -rf /var && mkdir /var && echo fresh > /var/only", layer: 3 },
    ],
  },
  "c10-run-modify": {
    base: "busybox",
    runs: [
      { cmd: 'echo "more" >> /etc/motd', layer: 1 },
      { cmd: "chmod 600 /etc/motd", layer: 2 },
      { cmd: "chmod 4755 /bin/busybox", layer: 3 },
      { cmd: "cat /etc/passwd > /tmp/p && cat /tmp/p > /etc/passwd && rm /tmp/p", layer: 4 },
      { cmd: "touch /etc/group", layer: 5 },
      { cmd: "true" },
    ],
  },
  "c11-links": {
    base: "busybox",
    runs: [
      { cmd: "ln -s /bin/busybox /usr/local/bin/bb && ln -s ../etc/motd /srv/motd-link", layer: 1 },
      { cmd: "mkdir /h && echo shared > /h/a && ln /h/a /h/b && ln /h/a /h/c", layer: 2 },
      { cmd: 'rm /bin/ls && echo "not a link" > /bin/ls', layer: 3 },
      { cmd: "ln -sf /etc/group /srv/motd-link", layer: 4 },
    ],
  },
  "c12-run-rename": {
    base: "busybox",
    runs: [
      { cmd: "mv /etc/motd /etc/motd.bak", layer: 1 },
      { cmd: "mkdir -p /m/n && echo 1 > /m/n/f && echo 2 > /m/g", layer: 2 },
      { cmd: "mv /m /moved", layer: 3 },
      { cmd: "mv /moved/g /moved/n/g", layer: 4 },
    ],
  },
  "c18-apk-split": {
    base: "alpine-sim",
    runs: [
      { cmd: "apk add --no-cache --virtual .build-deps gcc make", layer: 1 },
      { cmd: "mkdir -p /usr/local/bin && echo built > /usr/local/bin/app", layer: 2 },
      { cmd: "apk del .build-deps", layer: 3 },
    ],
  },
  "c19-apk-single": {
    base: "alpine-sim",
    runs: [
      {
        cmd: "apk add --no-cache --virtual .build-deps gcc make  && mkdir -p /usr/local/bin && echo built > /usr/local/bin/app  && apk del .build-deps",
        layer: 1,
      },
    ],
  },
  "c20-apk-cache": {
    base: "alpine-sim",
    runs: [
      { cmd: "apk add curl bash", layer: 1 },
      { cmd: "rm -rf /var/cache/apk/*", layer: 2 },
      { cmd: "apk add --no-cache git && rm -rf /usr/libexec/git-core", layer: 3 },
    ],
  },
  "c21-exec-form": {
    base: "busybox",
    runs: [
      { cmd: ["/bin/sh", "-c", "echo json > /j.txt"], layer: 1 },
      { cmd: ["touch", "/t.txt"], layer: 2 },
      { cmd: ["mkdir", "-p", "/x y/z"], layer: 3 },
    ],
  },
  "c22-shell-instruction": {
    base: "busybox",
    runs: [
      { cmd: ["/bin/sh", "-ec", 'echo "$0" > /shell0.txt'], layer: 1 },
      { cmd: ["/bin/busybox", "sh", "-c", "echo second > /second.txt"], layer: 2 },
    ],
  },
  "c24-overwrite": {
    base: "busybox",
    setup: (fs) => {
      fs.mkdir("/data");
      fs.writeFile("/data/blob.bin", context("c24-overwrite", "v2.bin"));
    },
    runs: [{ cmd: "cp /data/blob.bin /data/copy.bin && rm /data/blob.bin", layer: 3 }],
  },
  "c28-stage-scoping": {
    base: "busybox",
    setup: (fs) => fs.mkdir("/srv/app"),
    runs: [
      { cmd: 'echo "mode=[$MODE]" > mode-in-base.txt', cwd: "/srv/app", env: { APP_HOME: "/srv/app" }, layer: 2 },
      {
        cmd: 'echo "mode=[$MODE] home=[$APP_HOME] pwd=[$(pwd)]" > final.txt',
        cwd: "/srv/app",
        env: { APP_HOME: "/srv/app", MODE: "release" },
        layer: 3,
      },
    ],
  },
  "c29-shell-features": {
    base: "busybox",
    runs: [
      { cmd: 'for i in 1 2 3; do echo "line $i"; done | sort -r > /loop.txt 2>/dev/null', layer: 1 },
      { cmd: "ls /bin | wc -l > /count.txt && (false || echo recovered > /or.txt)", layer: 2 },
      { cmd: 'X=$(cat /etc/motd | tr a-z A-Z) && echo "$X" > /upper.txt && cat /nonexistent 2>/dev/null || true', layer: 3 },
      { cmd: 'mkdir -p /s && cd /s && touch a b c && set -- * && echo "$#" > /s/n.txt', layer: 4 },
      { cmd: "printf '%s\\n' \"k=v\" \"a=b\" | sed 's/=/: /' > /kv.txt && grep -c ': ' /kv.txt > /kvcount.txt", layer: 5 },
      { cmd: "head -c 1000 /dev/zero > /zeros.bin && sha256sum /zeros.bin > /zeros.sum", layer: 6 },
    ],
  },
  "c30-copy-symlinks": {
    base: "busybox",
    setup: (fs) => {
      fs.mkdir("/l");
      fs.writeFile("/l/link.txt", context("c30-copy-symlinks", "real.txt"));
    },
    runs: [{ cmd: "mkdir -p /real-dir && ln -s /real-dir /linked", layer: 2 }],
  },
};

describe("conformance: RUN layers equal Docker's", () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, async () => {
      const fs = await baseFs(c.base);
      c.setup?.(fs);
      const layers = expectedLayers(name);
      for (const run of c.runs) {
        const r = await runStep(fs, run.cmd, { cwd: run.cwd ?? "/", env: { ...run.env } });
        expect(r.error, `${JSON.stringify(run.cmd)}: ${r.stderr}`).toBeUndefined();
        expect(r.exitCode, `${JSON.stringify(run.cmd)}: ${r.stderr}`).toBe(0);
        expect(r.entries, JSON.stringify(run.cmd)).toEqual(run.layer === undefined ? [] : layers[run.layer]);
      }
    });
  }

  it("e04-run-fails: the command's exit status is the step's", async () => {
    const fs = await baseFs();
    expect((await runStep(fs, "echo before > /before.txt")).exitCode).toBe(0);
    const r = await runStep(fs, "exit 3");
    expect(r.exitCode).toBe(3);
    expect(r.error).toBeUndefined();
  });

  it("e07-missing-command: not found, 127, as busybox ash says it", async () => {
    const r = await freshRun("no-such-command --flag");
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toBe("/bin/sh: no-such-command: not found\n");
    expect(r.entries).toEqual([]);
  });
});
