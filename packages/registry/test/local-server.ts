import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** An HTTP server on 127.0.0.1 at a free port, for the test registries and token servers. */
export abstract class LocalServer {
  private server?: Server;
  port = 0;

  protected abstract handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.port = (this.server!.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
