/**
 * The image config as Docker 20.10 writes it to imagedb/content (moby `image.Image`,
 * `container.Config`). Field names are Docker's so the JSON round-trips unchanged.
 */
export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, Record<string, never>>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[] | null;
  Cmd: string[] | null;
  Healthcheck?: HealthConfig;
  ArgsEscaped?: boolean;
  Image: string;
  Volumes: Record<string, Record<string, never>> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  OnBuild: string[] | null;
  Labels: Record<string, string> | null;
  StopSignal?: string;
  Shell?: string[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface RootFS {
  type: "layers";
  diff_ids: string[];
}

export interface ImageConfigFile {
  architecture: string;
  os: string;
  config: ContainerConfig;
  container?: string;
  container_config?: ContainerConfig;
  created: string;
  docker_version?: string;
  author?: string;
  comment?: string;
  parent?: string;
  history?: HistoryEntry[];
  rootfs: RootFS;
  variant?: string;
  "os.version"?: string;
}

/** A container.Config with Docker's zero values. */
export function emptyContainerConfig(): ContainerConfig {
  return {
    Hostname: "",
    Domainname: "",
    User: "",
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: null,
    Cmd: null,
    Image: "",
    Volumes: null,
    WorkingDir: "",
    Entrypoint: null,
    OnBuild: null,
    Labels: null,
  };
}

// Go's encoding/json writes struct fields in declaration order and drops `omitempty` zeros;
// the image ID is the hash of these exact bytes, so the order is part of the format.
const CONTAINER_CONFIG_ORDER: Array<[keyof ContainerConfig, boolean]> = [
  ["Hostname", false], ["Domainname", false], ["User", false], ["AttachStdin", false],
  ["AttachStdout", false], ["AttachStderr", false], ["ExposedPorts", true], ["Tty", false],
  ["OpenStdin", false], ["StdinOnce", false], ["Env", false], ["Cmd", false],
  ["Healthcheck", true], ["ArgsEscaped", true], ["Image", false], ["Volumes", false],
  ["WorkingDir", false], ["Entrypoint", false], ["OnBuild", false], ["Labels", false],
  ["StopSignal", true], ["Shell", true],
];

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === "" || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.keys(v as object).length === 0;
  return false;
}

export function orderContainerConfig(c: ContainerConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, omitEmpty] of CONTAINER_CONFIG_ORDER) {
    const v = c[key];
    if (omitEmpty && isEmpty(v)) continue;
    out[key] = v === undefined ? null : v;
  }
  return out;
}

function orderHistory(h: HistoryEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (h.created !== undefined) out.created = h.created;
  if (h.created_by) out.created_by = h.created_by;
  if (h.author) out.author = h.author;
  if (h.comment) out.comment = h.comment;
  if (h.empty_layer) out.empty_layer = true;
  return out;
}

/**
 * The bytes Docker stores for an image config. moby's Image.MarshalJSON round-trips the
 * struct through a map, so top-level keys come out sorted; nested structs keep field order.
 */
export function serializeConfig(img: ImageConfigFile): Buffer {
  const top: Record<string, unknown> = {
    architecture: img.architecture,
    author: img.author || undefined,
    comment: img.comment || undefined,
    config: orderContainerConfig(img.config),
    container: img.container || undefined,
    container_config: img.container_config ? orderContainerConfig(img.container_config) : undefined,
    created: img.created,
    docker_version: img.docker_version || undefined,
    history: img.history && img.history.length ? img.history.map(orderHistory) : undefined,
    os: img.os,
    "os.version": img["os.version"] || undefined,
    parent: img.parent || undefined,
    rootfs: { type: img.rootfs.type, diff_ids: img.rootfs.diff_ids },
    variant: img.variant || undefined,
  };
  const keys = Object.keys(top).filter((k) => top[k] !== undefined).sort();
  const sorted: Record<string, unknown> = {};
  for (const k of keys) sorted[k] = top[k];
  const bytes = Buffer.from(goJSON(sorted));
  serialized.set(bytes, {
    diffIDs: [...img.rootfs.diff_ids],
    nonEmptyHistory: (img.history ?? []).reduce((n, h) => (h.empty_layer ? n : n + 1), 0),
  });
  return bytes;
}

/** The parts of a config the store checks, as serializeConfig wrote them (see serializedConfigView). */
export interface SerializedConfigView {
  diffIDs: readonly string[];
  /** History entries without empty_layer. */
  nonEmptyHistory: number;
}

const serialized = new WeakMap<Buffer, SerializedConfigView>();

/**
 * For a Buffer serializeConfig returned in this process: what the store would parse it for,
 * without parsing it again (a 4,000-ENV build spent seconds re-parsing its own configs).
 * Undefined for any other bytes, read from disk or received, which are parsed and checked.
 */
export function serializedConfigView(bytes: Buffer): SerializedConfigView | undefined {
  return serialized.get(bytes);
}

const GO_ESCAPED = /[<>&\u2028\u2029]/g;

/** JSON as Go's encoder writes it: no spaces, and <, >, & escaped as \u003c etc. */
export function goJSON(value: unknown): string {
  // One pass, not five: a config's Env and history make this string large on every commit.
  return JSON.stringify(value).replace(GO_ESCAPED, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}
