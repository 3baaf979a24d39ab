import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import type { LayerEntry } from "@tsbuild/image";
import type { RootFS } from "../src/index.js";
import { FIXTURES, busyboxRootFS, step } from "./helpers.js";

/**
 * fixtures/docker-overlay-cases.json: the layer entries (sha256 left out) Docker 20.10.24 on overlay2
 * produced for this Dockerfile, one array per RUN:
 *
 *   FROM conformance/busybox:1
 *   RUN mkdir -p /h /dir && echo shared > /h/a && ln /h/a /h/b && ln /h/a /dir/inner && echo x > /dir/other
 *   RUN chmod 600 /h/a
 *   RUN ln /etc/passwd /etc/a-passwd
 *   RUN mv /dir /moved
 *   RUN chmod 700 /moved && touch /moved/new && rm /moved/new
 *   RUN mkdir /fresh && echo 1 > /fresh/f && mv /fresh/f /fresh/g && mkdir /fresh/sub && mv /fresh/sub /fresh/sub2
 *   RUN mv /etc/group /tmp/group && mv /tmp/group /etc/group
 *   RUN rm -rf /usr/local && mkdir -p /usr/local/bin && rm -rf /usr/local/bin
 *   RUN touch /etc && ln -s /nowhere /srv/l && chown -h 5:5 /srv/l && echo y >> /h/b
 *   RUN mv /moved/inner /h/inner && mkdir /srv/x && rmdir /srv/x && mkfifo /srv/p
 */
const steps: Array<(f: RootFS) => void> = [
  (f) => {
    f.mkdir("/h", { recursive: true });
    f.mkdir("/dir", { recursive: true });
    f.writeFile("/h/a", "shared\n");
    f.link("/h/a", "/h/b");
    f.link("/h/a", "/dir/inner");
    f.writeFile("/dir/other", "x\n");
  },
  (f) => f.chmod("/h/a", 0o600),
  (f) => f.link("/etc/passwd", "/etc/a-passwd"),
  (f) => f.rename("/dir", "/moved"),
  (f) => {
    f.chmod("/moved", 0o700);
    f.writeFile("/moved/new", "");
    f.unlink("/moved/new");
  },
  (f) => {
    f.mkdir("/fresh");
    f.writeFile("/fresh/f", "1\n");
    f.rename("/fresh/f", "/fresh/g");
    f.mkdir("/fresh/sub");
    f.rename("/fresh/sub", "/fresh/sub2");
  },
  (f) => {
    f.rename("/etc/group", "/tmp/group");
    f.rename("/tmp/group", "/etc/group");
  },
  (f) => {
    f.rm("/usr/local", { recursive: true });
    f.mkdir("/usr/local/bin", { recursive: true });
    f.rm("/usr/local/bin", { recursive: true });
  },
  (f) => {
    const now = new Date();
    f.utimes("/etc", now, now);
    f.symlink("/nowhere", "/srv/l");
    f.chown("/srv/l", { uid: 5, gid: 5 }, { noFollow: true });
    f.writeFile("/h/b", "y\n", { append: true });
  },
  (f) => {
    f.rename("/moved/inner", "/h/inner");
    f.mkdir("/srv/x");
    f.rmdir("/srv/x");
    f.mknod("/srv/p", "fifo");
  },
];

it("overlay2 corner cases (hard links, renames, opaque, copy-ups) match a real daemon's layers", async () => {
  const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, "docker-overlay-cases.json"), "utf8")) as LayerEntry[][];
  const rfs = await busyboxRootFS();
  const actual: LayerEntry[][] = [];
  for (const s of steps) actual.push((await step(rfs, s)).entries.map(({ sha256: _, ...e }) => e));
  expect(actual).toEqual(expected);
});

/** Type, metadata and content of every path (inode numbers aside; mtimes at tar precision). */
function describeTree(rfs: RootFS, dir = "/", out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const name of rfs.readdir(dir)) {
    const p = dir === "/" ? "/" + name : `${dir}/${name}`;
    const { ino: _, mtime, ...st } = rfs.lstat(p);
    out[p] = {
      ...st,
      mtime: Math.floor(mtime.getTime() / 1000),
      data: st.type === "file" ? rfs.readFile(p).toString("base64") : undefined,
      link: st.type === "symlink" ? rfs.readlink(p) : undefined,
    };
    if (st.type === "dir") describeTree(rfs, p, out);
  }
  return out;
}

it("applying the committed layers onto the base rebuilds the same tree", async () => {
  const built = await busyboxRootFS();
  const replayed = await busyboxRootFS();
  for (const s of steps) {
    const diff = await step(built, s);
    await replayed.applyLayer(diff.tar);
    expect(describeTree(replayed)).toEqual(describeTree(built));
  }
});
