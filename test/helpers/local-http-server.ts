import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalHttpServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly baseUrl: string;
  /** Closes the listener and every open connection (kept-alive or stalled ones too). */
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 and an ephemeral port, for tests that fetch from one. */
export async function startLocalHttpServer(
  handler: http.RequestListener,
): Promise<LocalHttpServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
