import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server saw of one request. */
export interface SeenRequest {
  readonly path: string;
  readonly host: string | undefined;
  readonly userAgent: string | undefined;
  readonly at: number;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: PhotoServer) => void;

/**
 * A real HTTP server on 127.0.0.1 for the fetcher's tests: routes by path, records every
 * request, and counts how many are in flight at once (overall and per Host header).
 */
export class PhotoServer {
  readonly requests: SeenRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly inFlightByHost = new Map<string, number>();
  readonly maxInFlightByHost = new Map<string, number>();
  private readonly routes = new Map<string, Handler>();
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  port = 0;

  /** `http://127.0.0.1:<port><path>`. */
  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  route(path: string, handler: Handler): this {
    this.routes.set(path, handler);
    return this;
  }

  hits(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    const host = req.headers.host?.replace(/:\d+$/, '') ?? '';
    this.requests.push({ path, host, userAgent: req.headers['user-agent'], at: Date.now() });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const forHost = (this.inFlightByHost.get(host) ?? 0) + 1;
    this.inFlightByHost.set(host, forHost);
    this.maxInFlightByHost.set(host, Math.max(this.maxInFlightByHost.get(host) ?? 0, forHost));
    res.on('close', () => {
      this.inFlight--;
      this.inFlightByHost.set(host, (this.inFlightByHost.get(host) ?? 1) - 1);
    });
    const handler = this.routes.get(path.split('?')[0] ?? path);
    if (handler === undefined) {
      res.statusCode = 404;
      res.end('no such photo');
    } else handler(req, res, this);
  }
}

/** A small body that stands in for a photo (the fetcher never decodes). */
export const PHOTO = Buffer.from('\xff\xd8\xff\xe0 not really a jpeg', 'latin1');

export const sendPhoto: Handler = (_req, res) => {
  res.setHeader('content-type', 'image/jpeg');
  res.end(PHOTO);
};
