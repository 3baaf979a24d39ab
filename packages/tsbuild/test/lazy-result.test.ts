import { describe, expect, it } from "vitest";
import "../src/vitest.js";
import { build } from "../src/index.js";
import { bases, BUSYBOX } from "./helpers.js";

const DOCKERFILE = `FROM ${BUSYBOX}
COPY app.sh /usr/local/bin/app
RUN rm /etc/motd
`;
const files = { "app.sh": { content: "#!/bin/sh\necho hi\n", mode: 0o755 } };

const isGetter = (o: object, key: string) => typeof Object.getOwnPropertyDescriptor(o, key)?.get === "function";

describe("build()'s result: entries and analysis worked out when first read", () => {
  it("leaves entries, change lists and the analysis unread until asked, then keeps them as plain values", async () => {
    const image = await build({ context: { files }, dockerfile: DOCKERFILE, bases });
    const copy = image.layer(1);
    expect(isGetter(image, "explain")).toBe(true);
    expect(isGetter(copy, "entries")).toBe(true);
    expect(isGetter(copy, "added")).toBe(true);
    // What the matchers' type checks and a layer count read computes nothing.
    expect(image).toHaveLayerCount(3);
    expect(isGetter(copy, "entries")).toBe(true);

    expect(copy.entries.map((e) => e.path)).toContain("usr/local/bin/app");
    expect(isGetter(copy, "entries")).toBe(false);
    expect(isGetter(image, "explain")).toBe(true);
    expect(image.layer(2).deleted).toEqual(["/etc/motd"]);
    // One analysis serves the change lists and image.explain.
    const analysis = image.explain;
    expect(isGetter(image, "explain")).toBe(false);
    expect(analysis.layers[2].deleted.map((c) => c.path)).toEqual(["/etc/motd"]);
    expect(image.explain).toBe(analysis);
  });

  it("shows the worked-out fields to printing, spreading and toEqual, keys in their documented order", async () => {
    const image = await build({ context: { files }, dockerfile: DOCKERFILE, bases });
    const layer = image.layer(1);
    expect(Object.keys(layer)).toEqual(["index", "diffID", "size", "instruction", "createdBy", "entries", "added", "modified", "deleted"]);
    expect(Object.keys(image)).toContain("explain");
    expect(Object.keys(image).indexOf("explain")).toBe(Object.keys(image).indexOf("store") - 1);
    const copied = { ...layer };
    expect(copied.added).toEqual(["/usr/local/bin/app"]);
    expect(layer).toEqual(copied);
  });

  it("lets a caller replace a field before or after it is read", async () => {
    const image = await build({ context: { files }, dockerfile: DOCKERFILE, bases });
    const layer = image.layer(2);
    layer.added = ["/mine"];
    expect(layer.added).toEqual(["/mine"]);
    void layer.entries;
    layer.entries = [];
    expect(layer.entries).toEqual([]);
  });
});
