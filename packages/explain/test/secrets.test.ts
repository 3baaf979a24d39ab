import { describe, expect, test } from "vitest";
import { analyzeImage } from "../src/index.js";
import { image } from "./helpers/cases.js";

describe("secrets left in a layer", () => {
  test("are security findings, listed first, even when a later layer deletes them", async () => {
    const img = image(
      [
        [["bin/sh", 100], "etc/", "etc/ssl/", ["etc/ssl/private.key", 1700]], // the base's own: not the build's doing
        ["app/", ["app/.env", 40], ["app/.env.example", 30], ["app/main.js", 9000], "root/", "root/.ssh/", ["root/.ssh/id_ed25519", 400], ["root/.npmrc", 60]],
        ["root/", "root/.ssh/", ["root/.ssh/.wh.id_ed25519", 0], ["root/.wh..npmrc", 0], "root/.aws/", ["root/.aws/credentials", 116]],
      ],
      [{ created_by: "" }, { created_by: "/bin/sh -c #(nop) COPY dir:abc in / " }, { created_by: "/bin/sh -c rm ~/.ssh/id_ed25519 ~/.npmrc && aws configure" }],
    );
    const a = await analyzeImage(img);
    const sec = a.findings.filter((f) => f.kind === "secret");
    expect(sec.map((f) => f.message.match(/puts (\S+) \(([^)]+)\)/)!.slice(1))).toEqual([
      ["/root/.ssh/id_ed25519", "an SSH private key"],
      ["/root/.aws/credentials", "AWS credentials"],
      ["/root/.npmrc", "a token file"],
      ["/app/.env", "an environment file: passwords, API keys"],
    ]);
    expect(a.findings.slice(0, 4).every((f) => f.security)).toBe(true);
    const key = sec.find((f) => f.message.includes("id_ed25519"))!;
    expect(key.layers).toEqual([1, 2]);
    expect(key.message).toContain("A later step, layer 3 `RUN rm ~/.ssh/id_ed25519 … aws configure`, deletes it, but layer 2 still holds it");
    expect(sec.find((f) => f.message.includes(".aws"))!.message).toContain("The final image ships it");
    expect(sec.some((f) => f.message.includes(".env.example") || f.message.includes("private.key"))).toBe(false);
  });
});
