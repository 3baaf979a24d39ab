import { existsSync } from "node:fs";
// The CNCF distribution registry CI installs; the suite's pull/push part needs it.
import { REGISTRY_BIN, startRegistry as startTestRegistry } from "../../packages/registry/test/helpers.js";

export interface Registry {
  host: string;
  stop(): void;
}

/** The registry package's test registry (storage in a temp dir, removed after the run), or undefined (with a loud message) when absent. */
export async function startRegistry(): Promise<Registry | undefined> {
  if (!existsSync(REGISTRY_BIN)) {
    console.warn(`reliability: ${REGISTRY_BIN} is not installed: pull and push are left out of the concurrency part`);
    return undefined;
  }
  return startTestRegistry();
}

/** Whether the registry holds `repo:tag`. */
export async function hasManifest(host: string, repo: string, tag: string): Promise<boolean> {
  const r = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    method: "HEAD",
    headers: { accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
  });
  return r.status === 200;
}
