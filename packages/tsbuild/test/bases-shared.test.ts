import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "../src/index.js";
import { BUSYBOX, BUSYBOX_TAR } from "./helpers.js";

const dockerfile = `FROM ${BUSYBOX}\nRUN echo hi > /hi\n`;

describe("bases given to build() (their layer shared across the process's builds)", () => {
  it("still imports the base per build, with that build's creation time", async () => {
    const a = await build({ context: { files: {} }, dockerfile, bases: { [BUSYBOX]: BUSYBOX_TAR }, sourceDateEpoch: 1000 });
    const b = await build({ context: { files: {} }, dockerfile, bases: { [BUSYBOX]: BUSYBOX_TAR }, sourceDateEpoch: 2000 });
    expect(a.history[0].created).toBe("1970-01-01T00:16:40Z");
    expect(b.history[0].created).toBe("1970-01-01T00:33:20Z");
    expect(a.layers[0].diffID).toBe(b.layers[0].diffID);
    expect(b.file("/bin/busybox")?.entry.type).toBe("file");
  });

  it("takes the same base as bytes, compressed or not, and names the base when its tar is bad", async () => {
    const tar = readFileSync(BUSYBOX_TAR);
    const plain = await build({ context: { files: {} }, dockerfile, bases: { [BUSYBOX]: tar } });
    const gz = await build({ context: { files: {} }, dockerfile, bases: { [BUSYBOX]: gzipSync(tar) } });
    expect(gz.layers[0].diffID).toBe(plain.layers[0].diffID);
    await expect(build({ context: { files: {} }, dockerfile, bases: { [BUSYBOX]: Buffer.from("not a tar") } })).rejects.toThrow(
      `base image ${BUSYBOX}: truncated tar`,
    );
  });
});
