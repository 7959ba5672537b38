/**
 * Issue 10 item 4: slow and idle clients cannot exhaust the server. Each attack runs on raw
 * sockets against a server with short configured timeouts; the test waits for the server to
 * close the attacker's socket (no sleeping) and shows a normal client is served meanwhile.
 */
import net from 'node:net';
import type { TestServer } from '../helpers/test-server';
import { startTestServer } from '../helpers/test-server';

interface RawClient {
  readonly socket: net.Socket;
  /** Resolves with what the server sent once it closes the connection. */
  readonly closed: Promise<string>;
}

function connect(url: string): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const closed = new Promise<string>((done) => {
      socket.once('close', () => done(Buffer.concat(received).toString('latin1')));
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve({ socket, closed });
    });
  });
}

async function shopperSearch(server: TestServer): Promise<unknown> {
  const { status, body } = await server.graphql(
    '{ similarImages(text: "red") { edges { cursor } } }',
  );
  expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
  return body.data?.similarImages;
}

describe('slow and idle clients', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      HTTP_HEADERS_TIMEOUT_MS: '400',
      HTTP_REQUEST_TIMEOUT_MS: '800',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '300',
      HTTP_MAX_CONNECTIONS: '1200',
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('slowloris: headers that never end are answered 408 and closed', async () => {
    const client = await connect(server.url);
    client.socket.write('POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Slow: a');
    const drip = setInterval(() => client.socket.write('a'), 50);
    try {
      expect(await shopperSearch(server)).toEqual({ edges: [] });
      const answer = await client.closed;
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(drip);
    }
  });

  it('a multipart body sent a byte at a time is cut off at the request timeout', async () => {
    const client = await connect(server.url);
    client.socket.write(
      'POST /graphql HTTP/1.1\r\nHost: localhost\r\napollo-require-preflight: true\r\n' +
        'Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 100000\r\n\r\n' +
        '--xyz\r\nContent-Disposition: form-data; name="operations"\r\n\r\n',
    );
    const drip = setInterval(() => client.socket.write('{'), 50);
    try {
      expect(await shopperSearch(server)).toEqual({ edges: [] });
      const answer = await client.closed;
      expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
    } finally {
      clearInterval(drip);
    }
  });

  it('an upload that never finishes is closed at the request timeout', async () => {
    const client = await connect(server.url);
    const operations = JSON.stringify({
      query: 'query($image: Upload) { similarImages(image: $image) { edges { cursor } } }',
      variables: { image: null },
    });
    client.socket.write(
      'POST /graphql HTTP/1.1\r\nHost: localhost\r\napollo-require-preflight: true\r\n' +
        'Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 5000000\r\n\r\n' +
        `--xyz\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
        '--xyz\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.image"]}\r\n' +
        '--xyz\r\nContent-Disposition: form-data; name="0"; filename="a.png"\r\n' +
        'Content-Type: image/png\r\n\r\n' +
        'x'.repeat(10_000),
    );
    expect(await shopperSearch(server)).toEqual({ edges: [] });
    await client.closed;
    expect(client.socket.destroyed).toBe(true);
  });

  it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const client = await connect(server.url);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const answer = await client.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
  });

  it('1,000 idle connections: a shopper is served meanwhile and the server closes them all', async () => {
    const idle = await Promise.all(Array.from({ length: 1000 }, () => connect(server.url)));
    expect(await shopperSearch(server)).toEqual({ edges: [] });
    const answers = await Promise.all(idle.map((client) => client.closed));
    expect(answers.filter((answer) => answer !== '' && !answer.startsWith('HTTP/1.1 408'))).toEqual(
      [],
    );
    expect(await shopperSearch(server)).toEqual({ edges: [] });
  });

  it('connections past the cap are closed at accept, and served again once below it', async () => {
    const capped = await startTestServer({ HTTP_MAX_CONNECTIONS: '5' });
    try {
      const held = await Promise.all(Array.from({ length: 5 }, () => connect(capped.url)));
      const extra = await connect(capped.url);
      expect(await extra.closed).toBe('');
      for (const client of held) client.socket.destroy();
      await Promise.all(held.map((client) => client.closed));
      expect(await shopperSearch(capped)).toEqual({ edges: [] });
    } finally {
      await capped.stop();
    }
  });
});
