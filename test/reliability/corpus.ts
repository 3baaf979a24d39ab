import { gzipSync } from "node:zlib";
import { gz, paxRecord, sha256, tar, type Member } from "./tarmaker.js";

export interface Case {
  name: string;
  data: Buffer;
  /** What the archive is: a tar (for ADD and import) or a docker/OCI archive (for load). */
  kind: "tar" | "image";
}

/**
 * Malformed and malicious archives. OUT is a path (relative to the store's parent) that nothing
 * may ever create: every escape aims at it. Variation (truncation points, flipped bytes) comes
 * from `random`, so the corpus grows to any size.
 */
export function corpus(count: number, outside: string, random: () => number): Case[] {
  const cases: Case[] = [];
  const add = (name: string, data: Buffer, kind: Case["kind"] = "tar") => cases.push({ name, data, kind });
  const good = tar([{ name: "dir/", type: "5" }, { name: "dir/a.txt", data: "hello\n" }, { name: "dir/b.bin", data: Buffer.alloc(3000, 7) }]);

  const escapes: Member[][] = [
    [{ name: "../../../../../../../../" + outside.replace(/^\/+/, "") + "/pwned", data: "x" }],
    [{ name: outside + "/pwned", data: "x" }],
    [{ name: "a/../../../../../../../" + outside.replace(/^\/+/, "") + "/pwned", data: "x" }],
    [{ name: "link", type: "2", linkname: outside }, { name: "link/pwned", data: "x" }],
    [{ name: "link", type: "2", linkname: "../../../../../../../../" + outside.replace(/^\/+/, "") }, { name: "link/pwned", data: "x" }],
    [{ name: "d/", type: "5" }, { name: "d/l", type: "2", linkname: "../../../../../../.." }, { name: "d/l/" + outside.replace(/^\/+/, "") + "/pwned", data: "x" }],
    [{ name: "h", type: "1", linkname: "../../../../../../../etc/passwd" }],
    [{ name: "h", type: "1", linkname: "/etc/passwd" }],
    [{ name: "l", type: "2", linkname: "/etc/passwd" }, { name: "h", type: "1", linkname: "l" }, { name: "h", data: "overwrite" }],
    [{ name: "a", data: "1" }, { name: "a", data: "2" }],
    [{ name: "a", data: "1" }, { name: "./a", data: "2" }],
    [{ name: "dev/null2", type: "3" }],
    [{ name: "f", data: "x" }, { name: "f/g", data: "y" }],
    [{ name: "PaxHeaders/x", type: "x", data: paxRecord("path", "../../../../" + outside.replace(/^\/+/, "") + "/pwned") }, { name: "innocent", data: "x" }],
    [{ name: "././@LongLink", type: "L", data: "../../../../../../" + outside.replace(/^\/+/, "") + "/pwned\0" }, { name: "innocent", data: "x" }],
    [{ name: "PaxHeaders/big", type: "x", data: "", declaredSize: 3 * 2 ** 30 }],
    [{ name: "././@LongLink", type: "L", data: "a".repeat((1 << 20) + 10) }, { name: "x", data: "x" }],
    [{ name: "lies", data: "short", declaredSize: 2 ** 33 }],
    [{ name: "a/".repeat(2500) + "deep", data: "x" }],
  ];
  for (const [i, e] of escapes.entries()) {
    add(`escape-${i}`, tar(e));
    add(`escape-${i}.gz`, gz(tar(e)));
  }
  add("gzip-bomb", gzipSync(tar([{ name: "zeros", data: Buffer.alloc(64 << 20) }])));
  add("gzip-bomb-nested", gzipSync(gzipSync(tar([{ name: "zeros", data: Buffer.alloc(32 << 20) }]))));
  add("empty", Buffer.alloc(0));
  add("zeros", Buffer.alloc(4096));
  add("not-a-tar", Buffer.from("hello world\n".repeat(100)));

  // Docker archives: manifest.json aiming outside, wrong diffIDs, missing members, loops.
  const layer = tar([{ name: "f", data: "layer\n" }]);
  const cfg = (diffIDs: string[]) => Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", config: {}, rootfs: { type: "layers", diff_ids: diffIDs } }));
  const good1 = cfg([sha256(layer)]);
  const image = (members: Member[]) => add(`image-${cases.length}`, tar(members), "image");
  image([{ name: "manifest.json", data: JSON.stringify([{ Config: "../../" + outside + "/c.json", Layers: [] }]) }]);
  image([{ name: "manifest.json", data: JSON.stringify([{ Config: "c.json", Layers: ["../../../../" + outside + "/l.tar"] }]) }, { name: "c.json", data: good1 }]);
  image([{ name: "manifest.json", data: JSON.stringify([{ Config: "c.json", Layers: ["l.tar"] }]) }, { name: "c.json", data: cfg([sha256("other")]) }, { name: "l.tar", data: layer }]);
  image([{ name: "manifest.json", data: JSON.stringify([{ Config: "c.json", Layers: ["l.tar"] }]) }, { name: "c.json", data: good1 }]);
  image([{ name: "manifest.json", data: "{not json" }]);
  image([{ name: "manifest.json", data: "null" }]);
  image([{ name: "manifest.json", data: JSON.stringify([null]) }]);
  image([{ name: "manifest.json", data: JSON.stringify([{ Config: "c.json", Layers: ["l.tar"], RepoTags: ["UPPER:bad"] }]) }, { name: "c.json", data: good1 }, { name: "l.tar", data: layer }]);
  const evilLayer = tar([{ name: "../../../../" + outside.replace(/^\/+/, "") + "/pwned", data: "x" }]);
  image([{ name: "manifest.json", data: JSON.stringify([{ Config: "c.json", Layers: ["l.tar"] }]) }, { name: "c.json", data: cfg([sha256(evilLayer)]) }, { name: "l.tar", data: evilLayer }]);
  const symLayer = tar([{ name: "l", type: "2", linkname: outside }, { name: "l/pwned", data: "x" }]);
  image([{ name: "manifest.json", data: JSON.stringify([{ Config: "c.json", Layers: ["l.tar"] }]) }, { name: "c.json", data: cfg([sha256(symLayer)]) }, { name: "l.tar", data: symLayer }]);
  image([{ name: "manifest.json", type: "2", linkname: "manifest.json" }]);
  image([{ name: "a", type: "2", linkname: "b" }, { name: "b", type: "2", linkname: "a" }, { name: "manifest.json", type: "2", linkname: "a" }]);
  image([{ name: "manifest.json", type: "2", linkname: outside + "/m.json" }]);
  // OCI: a deep chain of indexes, a null index, a manifest of the wrong type.
  const blobs: Member[] = [];
  let top = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: sha256("x"), size: 1 } as Record<string, unknown>;
  for (let d = 0; d < 200; d++) {
    const idx = JSON.stringify({ schemaVersion: 2, manifests: [top] });
    blobs.push({ name: `blobs/sha256/${sha256(idx).slice(7)}`, data: idx });
    top = { mediaType: "application/vnd.oci.image.index.v1+json", digest: sha256(idx), size: idx.length };
  }
  image([{ name: "oci-layout", data: '{"imageLayoutVersion":"1.0.0"}' }, { name: "index.json", data: JSON.stringify({ schemaVersion: 2, manifests: [top] }) }, ...blobs]);
  image([{ name: "oci-layout", data: '{"imageLayoutVersion":"1.0.0"}' }, { name: "index.json", data: "null" }]);
  const nul = "null";
  image([{ name: "oci-layout", data: "{}" }, { name: "index.json", data: JSON.stringify({ manifests: [{ mediaType: "application/vnd.oci.image.index.v1+json", digest: sha256(nul), size: 4 }] }) }, { name: `blobs/sha256/${sha256(nul).slice(7)}`, data: nul }]);
  image([{ name: "oci-layout", data: "{}" }, { name: "index.json", data: JSON.stringify({ manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: sha256(nul), size: 4 }] }) }, { name: `blobs/sha256/${sha256(nul).slice(7)}`, data: nul }]);

  // Random damage to good archives until the corpus has `count` members.
  const goodImage = tar([{ name: "manifest.json", data: JSON.stringify([{ Config: "c.json", Layers: ["l.tar"], RepoTags: ["rel/ok:1"] }]) }, { name: "c.json", data: good1 }, { name: "l.tar", data: layer }]);
  const bases: Array<[string, Buffer, Case["kind"]]> = [["good", good, "tar"], ["good.gz", gz(good), "tar"], ["good-image", goodImage, "image"], ["good-image.gz", gz(goodImage), "image"]];
  while (cases.length < count) {
    const [name, base, kind] = bases[Math.floor(random() * bases.length)];
    const damaged = Buffer.from(base);
    if (random() < 0.5) {
      add(`${name}-cut-${cases.length}`, damaged.subarray(0, Math.floor(random() * damaged.length)), kind);
    } else {
      const flips = 1 + Math.floor(random() * 8);
      for (let f = 0; f < flips; f++) damaged[Math.floor(random() * damaged.length)] ^= 1 + Math.floor(random() * 255);
      add(`${name}-flip-${cases.length}`, damaged, kind);
    }
  }
  return cases.slice(0, Math.max(count, cases.length));
}
