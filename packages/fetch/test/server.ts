import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A 127.0.0.1 HTTP server over a path → handler table, for tests that must not need the network. */
export async function serve(routes: Record<string, (hits: number) => { status?: number; body?: Buffer | string; headers?: Record<string, string> }>): Promise<{ base: string; hits: Map<string, number>; close(): Promise<void> }> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const route = routes[path];
    if (!route) {
      res.writeHead(404).end("not found");
      return;
    }
    const r = route(n);
    res.writeHead(r.status ?? 200, r.headers ?? {}).end(r.body ?? "");
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, hits, close: () => new Promise((ok) => server.close(() => ok())) };
}
