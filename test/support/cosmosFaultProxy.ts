import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultProxyStats {
  forwarded: number;
  /** Answered 503 without forwarding: the write did not happen. */
  rejected: number;
  /** Forwarded, then the connection was cut before the answer: the write happened, the client cannot know. */
  dropped: number;
}

/**
 * An HTTP proxy in front of the local Cosmos server that fails a share of writes (PUT, PATCH,
 * POST — queries are POSTs too): half answered 503 without forwarding, half forwarded and
 * then the connection closed before the answer is sent.
 */
export class CosmosFaultProxy {
  readonly stats: FaultProxyStats = { forwarded: 0, rejected: 0, dropped: 0 };
  /** Share of writes to fail; can be changed while running (0 to heal). */
  failRate: number;
  url = '';
  private server?: Server;

  constructor(
    private readonly target: string,
    failRate = 0.1,
    private readonly random: () => number = Math.random,
  ) {
    this.failRate = failRate;
  }

  async start(): Promise<this> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const write = req.method === 'PUT' || req.method === 'PATCH' || req.method === 'POST';
      const fault = write && this.random() < this.failRate ? (this.random() < 0.5 ? 'reject' : 'drop') : undefined;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (fault === 'reject') {
          this.stats.rejected++;
          res.writeHead(503, { 'content-type': 'application/json', 'x-ms-substatus': '0' });
          res.end(JSON.stringify({ code: 'ServiceUnavailable', message: 'injected' }));
          return;
        }
        const upstream = httpRequest(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
          (up) => {
            const body: Buffer[] = [];
            up.on('data', (c: Buffer) => body.push(c));
            up.on('end', () => {
              if (fault === 'drop') {
                this.stats.dropped++;
                req.socket.destroy();
                return;
              }
              this.stats.forwarded++;
              res.writeHead(up.statusCode ?? 502, up.headers);
              res.end(Buffer.concat(body));
            });
          },
        );
        upstream.on('error', () => res.destroy());
        upstream.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
