import { describe, expect, it } from "vitest";
import { emptyContainerConfig, serializeConfig, serializedConfigView, type Digest, type ImageConfigFile } from "@tsbuild/image";
import { validateConfig } from "../src/store.js";

const diffID = `sha256:${"a".repeat(64)}` as Digest;

function config(history: ImageConfigFile["history"], diffIDs: Digest[] = [diffID]): ImageConfigFile {
  return {
    architecture: "amd64",
    os: "linux",
    created: "2024-01-01T00:00:00Z",
    config: emptyContainerConfig(),
    rootfs: { type: "layers", diff_ids: diffIDs },
    history,
  };
}

// Issue 17: the store re-parsed every config the build had just serialized (4,000 ENV lines:
// seconds in validateConfig). Bytes serialized in this process are checked on the view the
// serializer kept; any other bytes are parsed as before.
describe("config validation", () => {
  it("checks a config this process serialized without parsing it, with the same rules", () => {
    const bytes = serializeConfig(config([{ created: "2024-01-01T00:00:00Z", created_by: "x" }]));
    expect(serializedConfigView(bytes)).toBeDefined();
    expect(validateConfig(bytes)).toEqual([diffID]);
    const tooMany = serializeConfig(config([{ created_by: "a" }, { created_by: "b" }]));
    expect(() => validateConfig(tooMany)).toThrow("too many non-empty layers in History section");
  });

  it("parses equal bytes that did not come from the serializer (read from disk, received)", () => {
    const bytes = serializeConfig(config([{ created_by: "x" }]));
    const copy = Buffer.from(bytes);
    expect(serializedConfigView(copy)).toBeUndefined();
    expect(validateConfig(copy)).toEqual([diffID]);
    const broken = Buffer.from(copy.toString("utf8").replace(diffID, "sha256:nothex"));
    expect(() => validateConfig(broken)).toThrow("rootfs.diff_ids must be sha256 digests");
    expect(() => validateConfig(Buffer.from("{"))).toThrow(/invalid image JSON/);
  });

  it("keeps what was serialized, whatever the caller does to its object afterwards", () => {
    const img = config([{ created_by: "x" }]);
    const bytes = serializeConfig(img);
    img.rootfs.diff_ids.push("bad" as Digest);
    img.history!.push({ created_by: "y" });
    expect(validateConfig(bytes)).toEqual([diffID]);
  });
});
