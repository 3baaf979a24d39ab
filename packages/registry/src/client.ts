import { lookup } from "node:dns/promises";
import { parseChallenges, type Challenge } from "./challenge.js";
import { credentialsFor, type Credentials } from "./credentials.js";
import { describeErrorBody, OfflineError, RegistryError } from "./errors.js";
import { endpointHost, isLoopback } from "./names.js";

export interface ClientOptions {
  /** Credentials to use; undefined: read the user's Docker config; null: anonymous. */
  credentials?: Credentials | null;
  env?: NodeJS.ProcessEnv;
  /** Registries (host[:port]) that may be spoken to in plain HTTP, besides loopback ones. */
  insecureRegistries?: string[];
  /** Refuse any network access (--offline, TSBUILD_OFFLINE=1). */
  offline?: boolean;
  /** Speak to this base URL instead of the domain's own endpoint (a registry mirror). */
  endpoint?: string;
}

export interface RequestOptions {
  /** Token scopes the request needs, e.g. `repository:library/alpine:pull`. */
  scopes?: string[];
  headers?: Record<string, string>;
  body?: Buffer;
  /** Redirects are followed for GET/HEAD (blob stores on other hosts); the Authorization header stays behind. */
  followRedirects?: boolean;
}

const MAX_REDIRECTS = 5;
const USER_AGENT = "tsbuild (docker/20.10.24 compatible)";

/** Registry names the environment marks insecure: TSBUILD_INSECURE_REGISTRIES=host:port,host. */
export function insecureFromEnv(env: NodeJS.ProcessEnv): string[] {
  return (env.TSBUILD_INSECURE_REGISTRIES ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

export function offlineFromEnv(env: NodeJS.ProcessEnv): boolean {
  return env.TSBUILD_OFFLINE === "1" || env.TSBUILD_OFFLINE === "true";
}

/** The plain-text cause of a failed fetch (`connect ECONNREFUSED 127.0.0.1:9`). */
function causeOf(e: unknown): string {
  const c = (e as { cause?: { message?: string; code?: string } }).cause;
  return c?.message ?? (e as Error).message;
}

/**
 * Talks the Docker Registry HTTP API v2 to one registry: picks the scheme (plain HTTP only for
 * loopback and configured insecure registries), answers the WWW-Authenticate challenge of the
 * `/v2/` ping (anonymous, basic, or a bearer token per scope set from the token server).
 */
export class RegistryClient {
  readonly host: string;
  readonly scheme: "http" | "https";
  private challenge?: Challenge | null;
  private credentials?: Credentials | null;
  private readonly tokens = new Map<string, { token: string; expires: number }>();

  constructor(readonly domain: string, private readonly opts: ClientOptions = {}) {
    if (opts.endpoint) {
      const u = new URL(opts.endpoint);
      this.host = u.host;
      this.scheme = u.protocol === "http:" ? "http" : "https";
    } else {
      this.host = endpointHost(domain);
      const insecure = [...(opts.insecureRegistries ?? []), ...insecureFromEnv(opts.env ?? process.env)];
      this.scheme = isLoopback(this.host) || insecure.includes(this.host) || insecure.includes(domain) ? "http" : "https";
    }
    if (opts.credentials !== undefined) this.credentials = opts.credentials;
  }

  get baseURL(): string {
    return `${this.scheme}://${this.host}`;
  }

  /** The credentials in use (after the config lookup); null when anonymous. */
  async creds(): Promise<Credentials | null> {
    if (this.credentials === undefined) this.credentials = (await credentialsFor(this.domain, { env: this.opts.env })) ?? null;
    return this.credentials;
  }

  /** GET /v2/: learns the auth challenge; throws when the registry cannot be reached or is no v2 registry. */
  async ping(): Promise<void> {
    if (this.challenge !== undefined) return;
    const res = await this.fetchRaw("GET", this.baseURL + "/v2/", { ping: true });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 401) {
      const chs = parseChallenges(res.headers.get("www-authenticate"));
      this.challenge = chs.find((c) => c.scheme === "bearer") ?? chs.find((c) => c.scheme === "basic") ?? null;
      return;
    }
    if (res.status >= 200 && res.status < 300) {
      this.challenge = null;
      return;
    }
    throw new RegistryError(`Get "${this.baseURL}/v2/": unexpected status ${res.status} ${res.statusText} (not a v2 registry?)`, res.status);
  }

  /** Checks that the credentials are accepted (`docker login`). */
  async login(): Promise<void> {
    this.challenge = undefined;
    this.tokens.clear();
    await this.ping();
    const res = await this.request("GET", "/v2/", { scopes: [] });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 401) throw new RegistryError(`Get "${this.baseURL}/v2/": unauthorized: incorrect username or password`, 401);
    if (res.status >= 300) throw new RegistryError(`Get "${this.baseURL}/v2/": ${res.status} ${res.statusText}`, res.status);
  }

  /** One API request with auth; a 401 with a cached token fetches a fresh token once. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    await this.ping();
    const url = path.startsWith("http") ? path : this.baseURL + path;
    for (let attempt = 0; ; attempt++) {
      const auth = await this.authorization(opts.scopes ?? [], attempt > 0);
      const res = await this.fetchRaw(method, url, { ...opts, auth });
      if (res.status === 401 && attempt === 0 && this.challenge?.scheme === "bearer") {
        await res.arrayBuffer().catch(() => undefined);
        continue;
      }
      return res;
    }
  }

  private async authorization(scopes: string[], refresh: boolean): Promise<string | undefined> {
    const ch = this.challenge;
    if (!ch) return undefined;
    const creds = await this.creds();
    if (ch.scheme === "basic") {
      return creds?.username !== undefined ? "Basic " + Buffer.from(`${creds.username}:${creds.password ?? ""}`).toString("base64") : undefined;
    }
    const key = [...scopes].sort().join(" ");
    const cached = this.tokens.get(key);
    if (cached && !refresh && cached.expires > Date.now()) return "Bearer " + cached.token;
    const token = await this.fetchToken(ch, scopes, creds);
    this.tokens.set(key, token);
    return "Bearer " + token.token;
  }

  /** The token server's answer for these scopes (docker/distribution registry/client/auth). */
  private async fetchToken(ch: Challenge, scopes: string[], creds: Credentials | null): Promise<{ token: string; expires: number }> {
    const realm = ch.params.realm;
    if (!realm) throw new RegistryError(`${this.host}: the bearer challenge names no realm`);
    const url = new URL(realm);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && (isLoopback(url.host) || this.scheme === "http"))) {
      throw new RegistryError(`${this.host}: refusing token realm ${realm} over plain HTTP`);
    }
    const service = ch.params.service;
    let res: Response;
    if (creds?.identityToken) {
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: creds.identityToken, client_id: "tsbuild" });
      if (service) form.set("service", service);
      if (scopes.length) form.set("scope", scopes.join(" "));
      res = await this.fetchRaw("POST", url.toString(), {
        headers: { "content-type": "application/x-www-form-urlencoded" }, body: Buffer.from(form.toString()),
      });
    } else {
      if (service) url.searchParams.set("service", service);
      for (const s of scopes) url.searchParams.append("scope", s);
      if (creds?.username !== undefined) url.searchParams.set("account", creds.username);
      const auth = creds?.username !== undefined ? "Basic " + Buffer.from(`${creds.username}:${creds.password ?? ""}`).toString("base64") : undefined;
      res = await this.fetchRaw("GET", url.toString(), { auth });
    }
    const text = await res.text();
    if (res.status === 401) throw new RegistryError(`Get "${realm}": unauthorized: incorrect username or password`, 401, "UNAUTHORIZED");
    if (res.status !== 200) {
      throw new RegistryError(`Get "${realm}": token server answered ${res.status} ${res.statusText}${describeErrorBody(text).text ? ": " + describeErrorBody(text).text : ""}`, res.status);
    }
    let v: { token?: string; access_token?: string; expires_in?: number };
    try {
      v = JSON.parse(text);
    } catch {
      throw new RegistryError(`Get "${realm}": the token server's answer is not JSON`);
    }
    const token = v.token || v.access_token;
    if (!token) throw new RegistryError(`Get "${realm}": the token server's answer holds no token`);
    // Docker assumes 60 s when expires_in is missing or too small.
    const seconds = typeof v.expires_in === "number" && v.expires_in >= 60 ? v.expires_in : 60;
    return { token, expires: Date.now() + (seconds - 5) * 1000 };
  }

  /**
   * fetch with manual redirects, so credentials never follow a redirect to another host. The
   * ping resolves the host first: an unresolvable registry (no network) then fails before fetch
   * loads undici and builds a TLS context from the CA bundle (~35 ms of a build that fails).
   */
  async fetchRaw(method: string, url: string, opts: RequestOptions & { auth?: string; ping?: boolean }): Promise<Response> {
    if (this.opts.offline) throw new OfflineError(`${method} "${url}": offline (--offline or TSBUILD_OFFLINE=1): no registry access`);
    let current = url;
    let auth = opts.auth;
    for (let hops = 0; ; hops++) {
      const headers: Record<string, string> = { "user-agent": USER_AGENT, ...(opts.headers ?? {}) };
      if (auth) headers.authorization = auth;
      let res: Response;
      try {
        if (opts.ping && hops === 0) await lookup(new URL(current).hostname.replace(/^\[(.*)\]$/, "$1"));
        res = await fetch(current, { method, headers, body: opts.body ? new Uint8Array(opts.body) : undefined, redirect: "manual" });
      } catch (e) {
        // Only an unreachable registry (its /v2/ ping) means "offline"; a later failure is a broken pull.
        const text = `${method[0]}${method.slice(1).toLowerCase()} "${current}": ${causeOf(e)}`;
        throw opts.ping ? new OfflineError(text) : new RegistryError(text);
      }
      const location = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && location && opts.followRedirects !== false && (method === "GET" || method === "HEAD")) {
        await res.arrayBuffer().catch(() => undefined);
        if (hops >= MAX_REDIRECTS) throw new RegistryError(`${method} "${url}": stopped after ${MAX_REDIRECTS} redirects`);
        const next = new URL(location, current);
        if (next.host !== new URL(current).host) auth = undefined;
        current = next.toString();
        continue;
      }
      return res;
    }
  }
}
