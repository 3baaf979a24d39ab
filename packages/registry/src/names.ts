import { parseNamed, type NamedRef } from "@tsbuild/store";

/** Docker Hub's v2 endpoint and the key its credentials are stored under. */
export const DOCKER_HUB_DOMAIN = "docker.io";
export const DOCKER_HUB_ENDPOINT = "registry-1.docker.io";
export const DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

/** A reference split the way distribution/reference sees it. */
export interface RepositoryRef {
  /** Familiar name, as the store keeps it: `alpine`, `me/app`, `127.0.0.1:5000/x`. */
  familiar: string;
  /** `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  domain: string;
  /** The repository path on the registry: `library/alpine`. */
  path: string;
  tag?: string;
  digest?: string;
}

/** Parses a user's reference; a bare name stays without tag (callers apply `latest`). */
export function repositoryRef(input: string): RepositoryRef {
  const n: NamedRef = parseNamed(input);
  const slash = n.name.indexOf("/");
  const first = slash >= 0 ? n.name.slice(0, slash) : "";
  const hasDomain = slash >= 0 && (/[.:]/.test(first) || first === "localhost");
  const domain = hasDomain ? first : DOCKER_HUB_DOMAIN;
  let path = hasDomain ? n.name.slice(slash + 1) : n.name;
  if (domain === DOCKER_HUB_DOMAIN && !path.includes("/")) path = "library/" + path;
  return { familiar: n.name, domain, path, tag: n.tag, digest: n.digest };
}

/** Docker's full name, the v2metadata SourceRepository: `docker.io/library/alpine`. */
export function fullName(r: RepositoryRef): string {
  return r.domain + "/" + r.path;
}

/** The host:port the v2 API is served from. */
export function endpointHost(domain: string): string {
  return domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_ENDPOINT : domain;
}

/** Where a registry's credentials sit in config.json `auths` (Docker Hub has its historical key). */
export function authKey(domain: string): string {
  return domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_AUTH_KEY : domain;
}

/** Loopback names and addresses: plain HTTP is allowed there, as Docker allows 127.0.0.0/8. */
export function isLoopback(hostPort: string): boolean {
  const host = hostPort.startsWith("[") ? hostPort.slice(1, hostPort.indexOf("]")) : hostPort.replace(/:\d+$/, "");
  return host === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "::1";
}
