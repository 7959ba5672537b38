/**
 * Issue 10 (the load benchmark's "shed uploads heard ECONNRESET"): when the service answers a
 * multipart request before its file parts arrive (a parse error, a refused operation, shedding),
 * the rest of the body must still be read, or it stalls on the wire: the client cannot finish
 * sending, the keep-alive timer closes the socket with unread bytes, and the client hears a
 * reset instead of the answer. Raw sockets, so the test controls exactly when each byte goes.
 */
import net from 'node:net';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';

const BOUNDARY = 'early-answer-boundary';

interface Connection {
  readonly socket: net.Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves once `text` has been received (or with false when the socket closed first). */
  waitFor(text: string, from?: number): Promise<boolean>;
  readonly closed: Promise<void>;
}

function connect(url: string): Promise<Connection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = '';
    const waiters = new Set<() => void>();
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    let isClosed = false;
    void closed.then(() => {
      isClosed = true;
      for (const wake of waiters) wake();
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      for (const wake of waiters) wake();
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve({
        socket,
        closed,
        received: () => received,
        waitFor: (text, from = 0) =>
          new Promise((done) => {
            const check = (): void => {
              if (received.indexOf(text, from) >= 0) {
                waiters.delete(check);
                done(true);
              } else if (isClosed) {
                waiters.delete(check);
                done(false);
              }
            };
            waiters.add(check);
            check();
          }),
      });
    });
  });
}

/** A multipart indexProduct whose operation is refused at parse time, split at the file part. */
function refusedUpload(fileBytes: number): { head: string; file: Buffer; tail: string } {
  const operations = JSON.stringify({
    query: 'mutation($input: ProductInput!) { indexProduct(input: $input) { id } } {',
    variables: {
      input: { id: 'p', title: 't', category: 'c', price: 1, currency: 'USD', images: [null] },
    },
  });
  const part = (headers: string, body: string): string =>
    `--${BOUNDARY}\r\n${headers}\r\n\r\n${body}\r\n`;
  const fields =
    part('Content-Disposition: form-data; name="operations"', operations) +
    part('Content-Disposition: form-data; name="map"', '{"0":["variables.input.images.0"]}') +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="0"; filename="a.jpg"\r\n` +
    'Content-Type: image/jpeg\r\n\r\n';
  const tail = `\r\n--${BOUNDARY}--\r\n`;
  const length = Buffer.byteLength(fields) + fileBytes + Buffer.byteLength(tail);
  const head =
    'POST /graphql HTTP/1.1\r\nHost: localhost\r\nApollo-Require-Preflight: true\r\n' +
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${length}\r\n\r\n` +
    fields;
  return { head, file: Buffer.alloc(fileBytes, 0xd8), tail };
}

describe('a multipart request answered before its files arrive', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      MAX_UPLOAD_BYTES: String(2 * 1024 * 1024),
      MAX_UPLOAD_FILES: '2',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '60000',
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('reads the rest of the body away, so the client finishes and its connection serves the next request', async () => {
    const connection = await connect(server.url);
    const request = refusedUpload(1_500_000);
    connection.socket.write(request.head);
    // The answer comes before any file byte is sent.
    expect(await connection.waitFor('\r\n\r\n')).toBe(true);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 400 /);
    expect(connection.received()).toMatch(/connection: keep-alive/i);
    const firstLength = connection.received().length;
    connection.socket.write(request.file);
    connection.socket.write(request.tail);
    connection.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    // Without the discard, the body stalls and the second request is never read: the socket
    // only closes at the keep-alive timeout (a minute here), so this would time the test out.
    expect(await connection.waitFor('HTTP/1.1 200 OK', firstLength)).toBe(true);
    connection.socket.destroy();
  });

  it('closes the connection once the discarded body outgrows what any accepted request could hold', async () => {
    const connection = await connect(server.url);
    const request = refusedUpload(64 * 1024 * 1024);
    connection.socket.write(request.head);
    expect(await connection.waitFor('\r\n\r\n')).toBe(true);
    // 2 files of 2 MB + the form: the limit is a few MB, far below the 64 MB promised.
    const chunk = Buffer.alloc(256 * 1024, 0xd8);
    let sent = 0;
    let closed = false;
    void connection.closed.then(() => {
      closed = true;
    });
    while (!closed && sent < request.file.length) {
      const flushed = connection.socket.write(chunk);
      sent += chunk.length;
      if (!flushed) {
        await Promise.race([
          new Promise((resolve) => connection.socket.once('drain', resolve)),
          connection.closed,
        ]);
      }
    }
    await connection.closed;
    expect(sent).toBeLessThan(32 * 1024 * 1024);
  });
});
