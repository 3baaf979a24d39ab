import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importTar, openStore, v2MetadataHMAC, v2MetadataHMACKey } from "@tsbuild/store";
import { pull, push } from "../src/index.js";
import { announceSkip, busyboxTar, hasProgram, REGISTRY_BIN, startRegistry, tempDir } from "./helpers.js";

const DOCKER = "/usr/bin/docker";
const env = { ...process.env, DOCKER_HOST: process.env.TSBUILD_TEST_DOCKER_HOST ?? "unix:///tmp/d.sock" };
const DOCKER_ROOT = process.env.TSBUILD_TEST_DOCKER_ROOT ?? "/var/lib/tsdocker";
const dockerUp = existsSync(DOCKER) && spawnSync(DOCKER, ["version", "--format", "{{.Server.Version}}"], { env }).status === 0;
const distDir = join(DOCKER_ROOT, "image/overlay2/distribution");
const readable = dockerUp && existsSync(distDir);
if (!dockerUp) announceSkip("no dockerd answers (DOCKER_HOST=unix:///tmp/d.sock): the docker pull/push comparisons did not run");
else if (!readable) announceSkip(`${distDir} is not readable: the distribution/ comparison with Docker did not run`);

function docker(...args: string[]): string {
  return execFileSync(DOCKER, args, { env, encoding: "utf8" });
}

const tags: string[] = [];
afterAll(() => {
  for (const t of tags) spawnSync(DOCKER, ["rmi", t], { env });
});

describe.skipIf(!dockerUp || !hasProgram(REGISTRY_BIN))("against the real dockerd (20.10) through one registry", () => {
  it("docker pulls what tsbuild pushed with the same ID, and writes the same distribution/ entry tsbuild writes", async () => {
    const reg = await startRegistry();
    const root = tempDir();
    const store = openStore(root);
    const id = await importTar(store, readFileSync(busyboxTar), { ref: "registry-test/bb:1" });
    const ref = `${reg.host}/registry-test/from-tsbuild:1`;
    const pushed = await push(store.getImage(id)!, ref, { store });
    tags.push(ref);
    const out = docker("pull", ref);
    expect(out).toContain(`Digest: ${pushed.digest}`);
    expect(docker("inspect", "-f", "{{.Id}}", ref).trim()).toBe(id);
    expect(JSON.parse(docker("inspect", "-f", "{{json .RepoDigests}}", ref))).toContain(`${reg.host}/registry-test/from-tsbuild@${pushed.digest}`);

    const fresh = tempDir();
    const got = await pull(openStore(fresh), ref);
    expect(got.id).toBe(id);
    if (!readable) return;
    const diffID = (await store.getImage(id)!.config()).rootfs.diff_ids[0];
    const ours = JSON.parse(readFileSync(join(fresh, "image/overlay2/distribution/v2metadata-by-diffid/sha256", diffID.slice(7)), "utf8"));
    expect(ours).toHaveLength(1);
    const theirs = JSON.parse(readFileSync(join(distDir, "v2metadata-by-diffid/sha256", diffID.slice(7)), "utf8"));
    expect(theirs).toContainEqual(ours[0]);
    const blob = ours[0].Digest.slice(7);
    expect(readFileSync(join(fresh, "image/overlay2/distribution/diffid-by-digest/sha256", blob), "utf8"))
      .toBe(readFileSync(join(distDir, "diffid-by-digest/sha256", blob), "utf8"));
  });

  it("tsbuild pulls what docker pushed with the same ID; Docker's push HMAC is the one tsbuild computes", async () => {
    const reg = await startRegistry();
    const ref = `${reg.host}/registry-test/from-docker:1`;
    docker("tag", "conformance/busybox:1", ref);
    tags.push(ref);
    const out = docker("push", ref);
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(out)![1];
    const id = docker("inspect", "-f", "{{.Id}}", ref).trim();
    const root = tempDir();
    const got = await pull(openStore(root), ref);
    expect(got.id).toBe(id);
    expect(got.digest).toBe(digest);
    if (!readable) return;
    const diffID = JSON.parse(docker("inspect", "-f", "{{json .RootFS.Layers}}", ref))[0];
    const theirs: Array<{ Digest: string; SourceRepository: string; HMAC: string }> =
      JSON.parse(readFileSync(join(distDir, "v2metadata-by-diffid/sha256", diffID.slice(7)), "utf8"));
    const entry = theirs.find((m) => m.SourceRepository === `${reg.host}/registry-test/from-docker`)!;
    expect(entry.HMAC).toBe(v2MetadataHMAC(v2MetadataHMACKey({}), entry.Digest, entry.SourceRepository));
  });
});
