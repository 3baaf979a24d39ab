/**
 * Docker's reference rules (distribution/reference ParseNormalizedNamed, FamiliarString)
 * and the reference store's file, repositories.json (moby reference/store.go).
 */
export interface NamedRef {
  /** Familiar repository name: "busybox", "me/app", "registry:5000/x". */
  name: string;
  tag?: string;
  digest?: string;
}

export class InvalidReferenceError extends Error {}

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const NAME_RE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const HEX64_RE = /^[a-f0-9]{64}$/;
const DEFAULT_DOMAIN = "docker.io";

/** Parses a user's reference into familiar form; `name` alone keeps tag and digest undefined. */
export function parseNamed(input: string): NamedRef {
  if (HEX64_RE.test(input)) {
    throw new InvalidReferenceError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw new InvalidReferenceError("invalid reference format");
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw new InvalidReferenceError("invalid reference format");
  }
  const slash = rest.indexOf("/");
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  if (slash >= 0 && (/[.:]/.test(rest.slice(0, slash)) || rest.slice(0, slash) === "localhost")) {
    domain = rest.slice(0, slash);
    path = rest.slice(slash + 1);
  }
  if (domain === "index.docker.io") domain = DEFAULT_DOMAIN;
  if (path.toLowerCase() !== path) throw new InvalidReferenceError("invalid reference format: repository name must be lowercase");
  if (domain === DEFAULT_DOMAIN && !path.includes("/")) path = "library/" + path;
  const full = domain + "/" + path;
  if (!path || !NAME_RE.test(full)) throw new InvalidReferenceError("invalid reference format");
  if (full.length > 255) throw new InvalidReferenceError("invalid reference format: repository name must not be more than 255 characters");
  let name = full;
  if (domain === DEFAULT_DOMAIN) {
    name = path.startsWith("library/") && path.indexOf("/", 8) < 0 ? path.slice(8) : path;
  }
  return { name, tag, digest };
}

/** A reference as Docker prints it: `name:tag` or `name@digest`. */
export function familiarString(r: NamedRef): string {
  return r.name + (r.tag !== undefined ? ":" + r.tag : "") + (r.digest !== undefined ? "@" + r.digest : "");
}

/** reference.TagNameOnly: a bare name means :latest. */
export function withDefaultTag(r: NamedRef): NamedRef {
  return r.tag === undefined && r.digest === undefined ? { ...r, tag: "latest" } : r;
}

export interface RepositoriesFile {
  Repositories: Record<string, Record<string, string>>;
}

export class CorruptStoreError extends Error {}

const ID_RE = /^sha256:[a-f0-9]{64}$/;

export function parseRepositories(text: string, where: string): RepositoriesFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CorruptStoreError(`corrupt ${where}: ${(e as Error).message}`);
  }
  const repos = (v as { Repositories?: unknown } | null)?.Repositories;
  if (typeof v !== "object" || v === null || typeof repos !== "object" || repos === null || Array.isArray(repos)) {
    throw new CorruptStoreError(`corrupt ${where}: no "Repositories" object`);
  }
  for (const [name, refs] of Object.entries(repos)) {
    if (typeof refs !== "object" || refs === null || Array.isArray(refs)) {
      throw new CorruptStoreError(`corrupt ${where}: repository ${JSON.stringify(name)} is not an object`);
    }
    for (const [ref, id] of Object.entries(refs)) {
      if (typeof id !== "string" || !ID_RE.test(id)) {
        throw new CorruptStoreError(`corrupt ${where}: ${JSON.stringify(ref)} does not map to an image ID`);
      }
    }
  }
  return v as RepositoriesFile;
}

/** json.Marshal of the reference store: map keys sorted, no trailing newline. */
export function serializeRepositories(r: RepositoriesFile): string {
  const sorted: Record<string, Record<string, string>> = {};
  for (const name of Object.keys(r.Repositories).sort()) {
    const inner: Record<string, string> = {};
    for (const ref of Object.keys(r.Repositories[name]).sort()) inner[ref] = r.Repositories[name][ref];
    sorted[name] = inner;
  }
  return JSON.stringify({ Repositories: sorted });
}

/** Pure operations on the reference store's data. */
export const refs = {
  get(r: RepositoriesFile, ref: NamedRef): string | undefined {
    return r.Repositories[ref.name]?.[familiarString(ref)];
  },
  set(r: RepositoriesFile, ref: NamedRef, id: string): void {
    (r.Repositories[ref.name] ??= {})[familiarString(ref)] = id;
  },
  delete(r: RepositoriesFile, ref: NamedRef): boolean {
    const repo = r.Repositories[ref.name];
    const key = familiarString(ref);
    if (!repo || !(key in repo)) return false;
    delete repo[key];
    if (Object.keys(repo).length === 0) delete r.Repositories[ref.name];
    return true;
  },
  /** Every reference to id, familiar strings sorted (reference store's lexicalRefs). */
  of(r: RepositoriesFile, id: string): string[] {
    const out: string[] = [];
    for (const repo of Object.values(r.Repositories)) {
      for (const [ref, target] of Object.entries(repo)) if (target === id) out.push(ref);
    }
    return out.sort();
  },
};

/** Splits a stored familiar string back into its parts. */
export function splitStored(ref: string): NamedRef {
  const at = ref.indexOf("@");
  if (at >= 0) return { name: ref.slice(0, at), digest: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(":");
  return colon > ref.lastIndexOf("/") ? { name: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { name: ref };
}
