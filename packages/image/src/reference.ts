/**
 * Docker's image references, parsed once for every package: distribution/reference's grammar
 * (ParseNormalizedNamed), its familiar form (FamiliarString: `busybox:1`, `me/app`,
 * `registry:5000/x`) and TagNameOnly. The store keys repositories.json by these strings, and the
 * builder prints them in `Successfully tagged`, so both say the same name.
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

/** Splits a stored familiar string back into its parts. */
export function splitStored(ref: string): NamedRef {
  const at = ref.indexOf("@");
  if (at >= 0) return { name: ref.slice(0, at), digest: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(":");
  return colon > ref.lastIndexOf("/") ? { name: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { name: ref };
}
