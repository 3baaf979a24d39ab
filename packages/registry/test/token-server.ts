import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LocalServer } from "./local-server.js";
import { FakeRegistry, sha } from "./fake-registry.js";

/**
 * Docker Hub's flow in miniature: the registry answers 401 with a Bearer challenge naming this
 * server; it checks the user's password (basic auth) and hands out a token for the scopes it allows.
 */
export class TokenServer extends LocalServer {
  readonly users = new Map<string, string>();
  /** What each user may do per repository ("pull", "push"); anonymous is "". */
  grants: (user: string, repo: string) => string[] = () => [];
  readonly tokens = new Map<string, { user: string; access: Map<string, string[]>; uses: number }>();
  issued = 0;
  /** A token is good for this many registry requests, then it has "expired". */
  maxUses = Infinity;

  get realm(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }


  /** OAuth refresh tokens (what a helper's `<token>` user holds) → user. */
  readonly refreshTokens = new Map<string, string>();

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === "POST") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const form = new URLSearchParams(body);
        const user = form.get("grant_type") === "refresh_token" ? this.refreshTokens.get(form.get("refresh_token") ?? "") : undefined;
        if (!user) return void res.writeHead(401).end('{"details":"invalid refresh token"}');
        const scopes = (form.get("scope") ?? "").split(" ").filter(Boolean);
        this.issue(res, user, scopes);
      });
      return;
    }
    const url = new URL(req.url!, this.realm);
    let user = "";
    const auth = req.headers.authorization;
    if (auth?.startsWith("Basic ")) {
      const [u, p] = Buffer.from(auth.slice(6), "base64").toString().split(":");
      if (this.users.get(u) !== p) return void res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ details: "incorrect username or password" }));
      user = u;
    }
    this.issue(res, user, url.searchParams.getAll("scope"));
  }

  private issue(res: ServerResponse, user: string, scopes: string[]): void {
    const access = new Map<string, string[]>();
    for (const scope of scopes) {
      const [type, repo, actions] = scope.split(":");
      if (type !== "repository") continue;
      const allowed = this.grants(user, repo);
      access.set(repo, actions.split(",").filter((a) => allowed.includes(a)));
    }
    const token = randomBytes(12).toString("hex");
    this.tokens.set(token, { user, access, uses: 0 });
    this.issued++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token, expires_in: 300 }));
  }

  /** A token this server issued (for `/v2/` itself, which needs no scope). */
  valid(authorization: string | undefined): boolean {
    return authorization?.startsWith("Bearer ") === true && this.tokens.has(authorization.slice(7));
  }

  /** Whether a registry request carrying this Authorization may do `action` on repo. */
  allows(authorization: string | undefined, repo: string, action: string): boolean {
    if (!authorization?.startsWith("Bearer ")) return false;
    const t = this.tokens.get(authorization.slice(7));
    if (!t || ++t.uses > this.maxUses) return false;
    return t.access.get(repo)?.includes(action) ?? false;
  }
}

/** Puts a FakeRegistry behind the token server: every /v2/ request needs a Bearer token with the right scope. */
export function requireTokens(reg: FakeRegistry, ts: TokenServer): void {
  const uploads = new Map<string, Buffer[]>();
  reg.hook = (req, res, url) => {
    const challenge = (scope?: string) =>
      `Bearer realm="${ts.realm}",service="fake-registry"${scope ? `,scope="${scope}"` : ""}`;
    if (url.pathname === "/v2/") {
      if (ts.valid(req.headers.authorization)) return false;
      res.writeHead(401, { "www-authenticate": challenge(), "content-type": "application/json" }).end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
      return true;
    }
    const m = /^\/v2\/(.+?)\/(manifests|blobs)\/(.*)$/.exec(url.pathname);
    if (!m) return false;
    const repo = m[1];
    const write = req.method !== "GET" && req.method !== "HEAD";
    const action = write ? "push" : "pull";
    if (!ts.allows(req.headers.authorization, repo, action)) {
      res.writeHead(401, { "www-authenticate": challenge(`repository:${repo}:${action}`), "content-type": "application/json" })
        .end(JSON.stringify({ errors: [{ code: write ? "DENIED" : "UNAUTHORIZED", message: write ? "requested access to the resource is denied" : "authentication required" }] }));
      return true;
    }
    if (!write) return false;
    // Uploads: POST opens a session, PATCH appends, PUT ?digest= closes it; PUT manifests stores one.
    if (m[2] === "blobs" && m[3] === "uploads/" && req.method === "POST") {
      const id = randomBytes(6).toString("hex");
      uploads.set(id, []);
      res.writeHead(202, { location: `/v2/${repo}/blobs/uploads/${id}`, "content-length": 0 }).end();
      return true;
    }
    const body: Buffer[] = [];
    req.on("data", (c: Buffer) => body.push(c));
    req.on("end", () => {
      if (m[2] === "manifests") {
        reg.addManifest(repo, m[3], Buffer.concat(body), req.headers["content-type"] ?? "");
        return void res.writeHead(201, { "docker-content-digest": sha(Buffer.concat(body)) }).end();
      }
      const id = m[3].replace(/^uploads\//, "");
      const parts = uploads.get(id);
      if (!parts) return void res.writeHead(404).end();
      parts.push(...body);
      if (req.method === "PATCH") return void res.writeHead(202, { location: `/v2/${repo}/blobs/uploads/${id}` }).end();
      const blob = Buffer.concat(parts);
      const digest = url.searchParams.get("digest")!;
      if (sha(blob) !== digest) return void res.writeHead(400).end(JSON.stringify({ errors: [{ code: "DIGEST_INVALID" }] }));
      reg.blobs.set(digest, blob);
      res.writeHead(201, { location: `/v2/${repo}/blobs/${digest}` }).end();
    });
    return true;
  };
}
