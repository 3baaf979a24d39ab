import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Tarball {
  manifest: { name: string; version: string; [k: string]: unknown };
  file: string;
}

/**
 * A registry on 127.0.0.1 that knows only the given tarballs: npm and pnpm resolve semver ranges
 * against it as against the public one, so the install is a real resolution with no network.
 */
export async function serveRegistry(tarballs: Tarball[]): Promise<{ url: string; close(): Promise<void> }> {
  const byName = new Map<string, Tarball[]>();
  for (const t of tarballs) byName.set(t.manifest.name, [...(byName.get(t.manifest.name) ?? []), t]);
  const files = new Map<string, string>();
  let base = "";
  const packument = (name: string) => {
    const versions: Record<string, unknown> = {};
    let latest = "";
    for (const t of byName.get(name)!) {
      const bytes = readFileSync(t.file);
      const key = `/-/${encodeURIComponent(name)}/${t.manifest.version}.tgz`;
      files.set(key, t.file);
      const { scripts: _s, devDependencies: _d, ...m } = t.manifest;
      versions[t.manifest.version] = {
        ...m,
        _id: `${name}@${t.manifest.version}`,
        dist: {
          tarball: base + key,
          shasum: createHash("sha1").update(bytes).digest("hex"),
          integrity: "sha512-" + createHash("sha512").update(bytes).digest("base64"),
        },
      };
      if (!latest || cmp(t.manifest.version, latest) > 0) latest = t.manifest.version;
    }
    return { name, "dist-tags": { latest }, versions };
  };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    const tgz = files.get(encodeTarPath(path));
    if (tgz) {
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(readFileSync(tgz));
      return;
    }
    const name = path.slice(1);
    if (byName.has(name)) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(packument(name)));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const name of byName.keys()) packument(name); // registers every tarball path before any request
  return { url: base + "/", close: () => new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections(); // npm and pnpm keep connections alive
    }),
  };
}

function encodeTarPath(decoded: string): string {
  const m = /^\/-\/(.+)\/([^/]+\.tgz)$/.exec(decoded);
  return m ? `/-/${encodeURIComponent(m[1]!)}/${m[2]}` : decoded;
}

function cmp(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number(x));
  const pb = b.split(/[.-]/).map((x) => Number(x));
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
