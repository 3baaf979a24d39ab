import { beforeAll, describe, expect, it } from "vitest";
import { humanSize } from "@tsbuild/dockerfmt";
import "../src/vitest.js";
import { build, type BuiltImage } from "../src/index.js";
import { ALPINE_SIM_TAR, bases, BUSYBOX } from "./helpers.js";

const DOCKERFILE = `FROM ${BUSYBOX}
COPY app.sh /usr/local/bin/app
RUN rm /etc/motd && head -c 3000 /dev/zero > /tmp/big
RUN rm /tmp/big
`;

let image: BuiltImage;
beforeAll(async () => {
  image = await build({ context: { files: { "app.sh": { content: "#!/bin/sh\necho hi\n", mode: 0o755 } } }, dockerfile: DOCKERFILE, bases });
});

/** The message a failing assertion throws. */
function failure(assertion: () => void): string {
  try {
    assertion();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("the assertion passed; it was expected to fail");
}

/** Every failure message ends with the layer table: header plus one row per layer. */
function expectTable(message: string, marked: number[]) {
  const lines = message.split("\n");
  const header = lines.findIndex((l) => /^ {2}LAYER +SIZE +(HIDDEN +)?INSTRUCTION +TOP FILES$/.test(l));
  expect(header, message).toBeGreaterThan(0);
  const rows = lines.slice(header + 1);
  expect(rows).toHaveLength(image.layers.length);
  rows.forEach((row, i) => {
    expect(row.startsWith(marked.includes(i) ? "> " + i : "  " + i), row).toBe(true);
  });
  expect(rows[1]).toContain("Dockerfile:2 COPY app.sh /usr/local/bin/app");
  expect(rows[1]).toContain("/usr/local/bin/app 18B");
  expect(rows[0]).toContain("(base) layer 0");
  expect(rows[0]).toContain("/bin/busybox 1.98MB");
  expect(rows[3]).toContain("deletes /tmp/big");
}

describe("toHaveLayerCount", () => {
  it("passes on the number of layers and fails showing the table", () => {
    expect(image).toHaveLayerCount(4);
    expect(image).not.toHaveLayerCount(3);
    const msg = failure(() => expect(image).toHaveLayerCount(2));
    expect(msg.split("\n")[0]).toBe(`expected image ${image.id.slice(7, 19)} to have 2 layers, it has 4:`);
    expectTable(msg, []);
  });

  it("words the negated failure", () => {
    const msg = failure(() => expect(image).not.toHaveLayerCount(4));
    expect(msg.split("\n")[0]).toBe(`expected image ${image.id.slice(7, 19)} not to have 4 layers, but it has`);
    expectTable(msg, []);
  });

  it("refuses what is not a built image, naming the slip", () => {
    expect(() => expect(build({ context: { files: {} }, dockerfile: "FROM x\n" }).catch(() => undefined)).toHaveLayerCount(1)).toThrow(
      "toHaveLayerCount: expected the image build() returns, got a Promise — did you forget to await build()?",
    );
    expect(() => expect({ a: 1 }).toHaveLayerCount(1)).toThrow("got an object with keys a");
  });
});

describe("toHaveSizeBelow", () => {
  it("compares Docker's image size, in bytes or with units", () => {
    expect(image).toHaveSizeBelow(image.size + 1);
    expect(image).not.toHaveSizeBelow(image.size);
    expect(image).toHaveSizeBelow("3MB");
    expect(image).not.toHaveSizeBelow("1.5 MiB");
  });

  it("fails with both sizes and the table, the largest layers marked", () => {
    const msg = failure(() => expect(image).toHaveSizeBelow("1MB"));
    expect(msg.split("\n")[0]).toBe(
      `expected image ${image.id.slice(7, 19)} to be smaller than 1MB (1000000 bytes), it is ${humanSize(image.size)} (${image.size} bytes):`,
    );
    expectTable(msg, [0, 2, 1]);
  });

  it("refuses a size it cannot read", () => {
    expect(() => expect(image).toHaveSizeBelow("lots")).toThrow('invalid size "lots"');
  });
});

describe("toContainFile", () => {
  it("looks at the final filesystem", () => {
    expect(image).toContainFile("/usr/local/bin/app");
    expect(image).toContainFile("usr/local/bin/app");
    expect(image).toContainFile("/bin/sh");
    expect(image).not.toContainFile("/etc/motd");
    expect(image).not.toContainFile("/tmp/big");
    expect(image).not.toContainFile("/nowhere");
  });

  it("explains a missing file with what the layers did to it", () => {
    const msg = failure(() => expect(image).toContainFile("/tmp/big"));
    expect(msg.split("\n")[0]).toBe(
      `expected image ${image.id.slice(7, 19)} to contain /tmp/big, it does not: ` +
        "layer(2) (Dockerfile:3 RUN rm /etc/motd && head -c 3000 /dev/zero > /tmp/big) adds it, layer(3) (Dockerfile:4 RUN rm /tmp/big) deletes it:",
    );
    expectTable(msg, [2, 3]);
    expect(failure(() => expect(image).toContainFile("/nowhere")).split("\n")[0]).toMatch(/it does not \(no layer has it\):$/);
  });

  it("names the layer a present file comes from when it should be absent", () => {
    const msg = failure(() => expect(image).not.toContainFile("/usr/local/bin/app"));
    expect(msg.split("\n")[0]).toBe(
      `expected image ${image.id.slice(7, 19)} not to contain /usr/local/bin/app, but it does: ` +
        "a file of 18B (18 bytes) from layer(1) (Dockerfile:2 COPY app.sh /usr/local/bin/app)",
    );
    expectTable(msg, [1]);
  });
});

describe("toHaveWastedBytesBelow", () => {
  it("counts the bytes later layers delete", () => {
    expect(image.explain.wastedBytes).toBe(3000 + image.explain.layers[0].hiddenBytes);
    expect(image).toHaveWastedBytesBelow(image.explain.wastedBytes + 1);
    expect(image).not.toHaveWastedBytesBelow(image.explain.wastedBytes);
  });

  it("fails with both counts, the findings and the table, the wasting layers marked", () => {
    const msg = failure(() => expect(image).toHaveWastedBytesBelow(100));
    const first = msg.split("\n")[0];
    expect(first).toContain(`to waste less than 100B (100 bytes), it wastes ${humanSize(image.explain.wastedBytes)} (${image.explain.wastedBytes} bytes)`);
    expect(first).toContain(`dive counts ${humanSize(image.explain.dive.wastedBytes)}`);
    expect(image.explain.findings.length).toBeGreaterThan(0);
    expect(msg).toContain("\nFindings (layers counted from 1, as `tsbuild explain` counts them):\n");
    for (const f of image.explain.findings) expect(msg).toContain(`  - ${f.message}`);
    const marked = image.explain.layers.filter((l) => l.hiddenBytes > 0).map((l) => l.index);
    expect(marked).toContain(2);
    expectTable(msg, marked);
    expect(msg).toMatch(/LAYER +SIZE +HIDDEN +INSTRUCTION/);
  });

  it("passes the single-RUN apk example and fails the split one (c18/c19)", async () => {
    const alpine = { "conformance/alpine-sim:1": ALPINE_SIM_TAR };
    const split = await build({
      context: { files: {} },
      bases: alpine,
      dockerfile: "FROM conformance/alpine-sim:1\nRUN apk add --no-cache --virtual .build-deps gcc make\nRUN mkdir -p /usr/local/bin && echo built > /usr/local/bin/app\nRUN apk del .build-deps\n",
    });
    const single = await build({
      context: { files: {} },
      bases: alpine,
      dockerfile: "FROM conformance/alpine-sim:1\nRUN apk add --no-cache --virtual .build-deps gcc make && mkdir -p /usr/local/bin && echo built > /usr/local/bin/app && apk del .build-deps\n",
    });
    expect(single).toHaveWastedBytesBelow("1MB");
    expect(split).not.toHaveWastedBytesBelow("1MB");
    expect(failure(() => expect(split).toHaveWastedBytesBelow("1MB"))).toContain("Dockerfile:2");
  });
});

describe("layer(i).toAdd / toDelete", () => {
  it("reads naturally on a layer", () => {
    expect(image.layer(1)).toAdd("/usr/local/bin/app");
    expect(image.layer(-1)).not.toAdd("/usr/local/bin/app");
    expect(image.layer(2)).toAdd("/tmp/big");
    expect(image.layer(2)).toDelete("/etc/motd");
    expect(image.layer(3)).toDelete("/tmp/big");
    expect(image.layer(1)).not.toDelete("/usr/local/bin/app");
  });

  it("follows links in parent directories to the path the layer holds", async () => {
    const linked = await build({
      context: { files: {} },
      dockerfile: `FROM ${BUSYBOX}\nRUN mkdir -p /real && ln -s real /short\nRUN echo x > /short/f\n`,
      bases,
    });
    expect(linked.layer(2)).toAdd("/short/f");
    expect(linked.layer(2)).toAdd("/real/f");
  });

  it("fails naming the layer, what the layers did to the path, and the table with the layer marked", () => {
    const msg = failure(() => expect(image.layer(3)).toAdd("/usr/local/bin/app"));
    expect(msg.split("\n")[0]).toBe(
      `expected layer(3) (Dockerfile:4 RUN rm /tmp/big) of image ${image.id.slice(7, 19)} to add /usr/local/bin/app, it does not: ` +
        "layer(1) (Dockerfile:2 COPY app.sh /usr/local/bin/app) adds it:",
    );
    expectTable(msg, [3]);
  });

  it("words the negated failure", () => {
    const msg = failure(() => expect(image.layer(1)).not.toAdd("/usr/local/bin/app"));
    expect(msg.split("\n")[0]).toBe(
      `expected layer(1) (Dockerfile:2 COPY app.sh /usr/local/bin/app) of image ${image.id.slice(7, 19)} not to add /usr/local/bin/app, but it does`,
    );
    expectTable(msg, [1]);
    expect(failure(() => expect(image.layer(2)).toDelete("/nowhere")).split("\n")[0]).toMatch(/to delete \/nowhere, it does not: no layer has it:$/);
  });

  it("refuses an image where a layer belongs", () => {
    expect(() => expect(image).toAdd("/x")).toThrow("toAdd: expected a layer of a built image (image.layer(i)), got an object with keys");
    expect(() => expect(image).toAdd("/x")).toThrow("(pick a layer: expect(image.layer(i)).toAdd(…))");
  });
});
