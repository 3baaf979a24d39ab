/** Docker's default tag and name normalisation for references like `busybox`, `a/b:1`, `x@sha256:…`. */
export interface Reference {
  name: string;
  tag?: string;
  digest?: string;
}

export function parseReference(ref: string): Reference {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (!digest && !tag) tag = "latest";
  return { name: rest, tag, digest };
}

export function formatReference(r: Reference): string {
  return r.name + (r.tag ? ":" + r.tag : "") + (r.digest ? "@" + r.digest : "");
}

const NAME_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const HOST_RE = /^[a-zA-Z0-9.-]+(?::[0-9]+)?$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;

/** Throws Docker's wording for an invalid reference. */
export function validateReference(ref: string): Reference {
  const r = parseReference(ref);
  const parts = r.name.split("/");
  const path = parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")
    ? (HOST_RE.test(parts[0]) ? parts.slice(1).join("/") : "")
    : r.name;
  if (!path || !NAME_RE.test(path) || (r.tag !== undefined && !TAG_RE.test(r.tag))) {
    throw new Error(`invalid reference format: ${ref}`);
  }
  if (r.name !== r.name.toLowerCase()) throw new Error(`invalid reference format: repository name must be lowercase`);
  return r;
}
