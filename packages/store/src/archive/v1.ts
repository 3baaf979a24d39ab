import { emptyContainerConfig, goJSON, orderContainerConfig, type ContainerConfig, type Digest } from "@tsbuild/image";
import { createHash } from "node:crypto";

/**
 * The legacy v1 image JSON that `docker save` writes beside each layer, and the v1 IDs that
 * name the layer directories (moby image.V1Image, image/v1.CreateID).
 */
export interface V1Image {
  id?: string;
  parent?: string;
  comment?: string;
  created: string;
  container?: string;
  container_config?: Partial<ContainerConfig>;
  docker_version?: string;
  author?: string;
  config?: Partial<ContainerConfig> | null;
  architecture?: string;
  variant?: string;
  os?: string;
  Size?: number;
}

/** The v1 view of an image config (moby Image embeds V1Image; unknown keys drop out). */
export function v1FromConfig(config: Record<string, unknown>): V1Image {
  const str = (k: string) => (typeof config[k] === "string" ? (config[k] as string) : undefined);
  return {
    parent: str("parent"),
    comment: str("comment"),
    created: str("created") ?? "0001-01-01T00:00:00Z",
    container: str("container"),
    container_config: (config.container_config as Partial<ContainerConfig>) ?? undefined,
    docker_version: str("docker_version"),
    author: str("author"),
    config: (config.config as Partial<ContainerConfig> | null) ?? null,
    architecture: str("architecture"),
    variant: str("variant"),
    os: str("os"),
    Size: typeof config.Size === "number" ? config.Size : undefined,
  };
}

/** container.Config re-marshalled by Go: missing fields take their zero values. */
function goContainerConfig(c: Partial<ContainerConfig> | undefined): string {
  return goJSON(orderContainerConfig({ ...emptyContainerConfig(), ...c }));
}

/** [key, raw JSON] in V1Image's field order with its omitempty rules. */
function v1Fields(v: V1Image): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const s = (k: string, val: string | undefined) => {
    if (val) out.push([k, goJSON(val)]);
  };
  s("id", v.id);
  s("parent", v.parent);
  s("comment", v.comment);
  out.push(["created", goJSON(v.created)]);
  s("container", v.container);
  // A struct, so `omitempty` never drops it.
  out.push(["container_config", goContainerConfig(v.container_config)]);
  s("docker_version", v.docker_version);
  s("author", v.author);
  if (v.config) out.push(["config", goContainerConfig(v.config)]);
  s("architecture", v.architecture);
  s("variant", v.variant);
  s("os", v.os);
  if (v.Size) out.push(["Size", String(v.Size)]);
  return out;
}

/** json.Marshal(V1Image). */
export function v1JSON(v: V1Image): string {
  return "{" + v1Fields(v).map(([k, raw]) => `"${k}":${raw}`).join(",") + "}";
}

/** v1.CreateID: the V1Image without id, as a map plus layer_id and parent, sorted keys. */
export function v1ID(v: V1Image, layerID: Digest, parent: Digest | undefined): Digest {
  const map = new Map(v1Fields({ ...v, id: undefined }));
  map.set("layer_id", goJSON(layerID));
  if (parent) map.set("parent", goJSON(parent));
  const keys = [...map.keys()].sort();
  const json = "{" + keys.map((k) => `"${k}":${map.get(k)}`).join(",") + "}";
  return "sha256:" + createHash("sha256").update(json).digest("hex");
}
