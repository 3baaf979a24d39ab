import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { layerEntries } from "../src/index.js";
import { busyboxRootFS, step } from "./helpers.js";

describe("a committed layer", () => {
  it("gives the same bytes as chunks and as one tar, and the diffID and entries of those bytes", async () => {
    const rfs = await busyboxRootFS();
    const diff = await step(rfs, (f) => {
      f.mkdir("/app/src", { recursive: true });
      f.writeFile("/app/src/a.js", "a".repeat(700));
      f.writeFile("/app/b.txt", "b");
      f.symlink("b.txt", "/app/link");
      f.rm("/etc/motd");
    });
    const chunks = diff.tarChunks();
    const joined = Buffer.concat(chunks);
    expect(chunks.length).toBeGreaterThan(1);
    expect(diff.tar).toEqual(joined);
    expect(diff.tarSize).toBe(joined.length);
    expect(diff.diffID).toBe("sha256:" + createHash("sha256").update(joined).digest("hex"));
    expect(diff.entries).toEqual(await layerEntries(joined));
  });

  it("keeps describing the step after later steps change the same files", async () => {
    const rfs = await busyboxRootFS();
    const first = await step(rfs, (f) => f.writeFile("/data.txt", "first"));
    await step(rfs, (f) => f.writeFile("/data.txt", "second", { append: true }));
    await step(rfs, (f) => f.writeFile("/data.txt", "third"));
    const entry = first.entries.find((e) => e.path === "data.txt");
    expect(entry).toMatchObject({ size: 5, sha256: createHash("sha256").update("first").digest("hex") });
    expect(await layerEntries(first.tar)).toEqual(first.entries);
  });
});

describe("writeFile's adopt option", () => {
  it("keeps the caller's buffer instead of a copy", async () => {
    const rfs = await busyboxRootFS();
    const given = Buffer.from("handed over");
    const copied = Buffer.from("copied");
    rfs.beginStep();
    rfs.writeFile("/adopted", given, { adopt: true });
    rfs.writeFile("/copied", copied);
    given.write("H");
    copied.write("C");
    expect(rfs.readFile("/adopted").toString()).toBe("Handed over");
    expect(rfs.readFile("/copied").toString()).toBe("copied");
    rfs.abortStep();
  });
});
