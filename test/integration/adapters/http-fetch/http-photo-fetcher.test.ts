import { expectCode } from '../../../helpers/expect-code';
import { fetcherFactory, USER_AGENT } from './fetcher-options';
import { PHOTO, PhotoServer, sendPhoto } from './photo-server';

/** The real fetcher against a real HTTP server on 127.0.0.1 (allowed by the test allow-list). */
describe('HttpPhotoFetcher over real HTTP', () => {
  let server: PhotoServer;
  const fetchers = fetcherFactory();

  beforeEach(async () => {
    server = await new PhotoServer().start();
  });
  afterEach(async () => {
    await fetchers.closeAll();
    await server.stop();
  });

  it('fetches a photo as sent, with its content type and our User-Agent', async () => {
    server.route('/a.jpg', sendPhoto);
    const photo = await fetchers.make().fetchPhoto(server.url('/a.jpg'));
    expect(Buffer.from(photo.bytes).equals(PHOTO)).toBe(true);
    expect(photo.finalUrl).toBe(server.url('/a.jpg'));
    expect(photo.contentType).toBe('image/jpeg');
    expect(server.requests[0]?.userAgent).toBe(USER_AGENT);
  });

  it('follows redirects, relative ones too, and reports the final URL', async () => {
    server
      .route('/old', (_req, res) => res.writeHead(301, { location: server.url('/mid') }).end())
      .route('/mid', (_req, res) => res.writeHead(302, { location: '/a.jpg' }).end())
      .route('/a.jpg', sendPhoto);
    const photo = await fetchers.make().fetchPhoto(server.url('/old'));
    expect(photo.finalUrl).toBe(server.url('/a.jpg'));
    expect(Buffer.from(photo.bytes).equals(PHOTO)).toBe(true);
  });

  it('refuses a redirect past the limit without requesting it', async () => {
    for (let i = 0; i < 5; i++) {
      server.route(`/r${i}`, (_req, res) => res.writeHead(307, { location: `/r${i + 1}` }).end());
    }
    const error = await expectCode(
      fetchers.make({ maxRedirects: 3 }).fetchPhoto(server.url('/r0')),
      'IMAGE_URL_FORBIDDEN',
    );
    expect(error.details).toMatchObject({ reason: 'TOO_MANY_REDIRECTS', maxRedirects: 3 });
    expect(server.hits('/r4')).toBe(0);
    expect(server.hits('/r3')).toBe(1);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://[::ffff:127.0.0.2]/x', 'loopback'],
    ['http://10.0.0.1/x', 'private'],
  ])('refuses a redirect from an allowed host to %s', async (target, range) => {
    server.route('/hop', (_req, res) => res.writeHead(302, { location: target }).end());
    const error = await expectCode(
      fetchers.make().fetchPhoto(server.url('/hop')),
      'IMAGE_URL_FORBIDDEN',
    );
    expect(error.details).toMatchObject({
      url: server.url('/hop'),
      hopUrl: new URL(target).href,
      reason: 'ADDRESS_NOT_ALLOWED',
      range,
    });
  });

  it('refuses a redirect to another scheme or to a URL with credentials', async () => {
    server
      .route('/ftp', (_req, res) => res.writeHead(302, { location: 'ftp://example.com/a' }).end())
      .route('/creds', (_req, res) => res.writeHead(302, { location: '//u:p@127.0.0.1/' }).end());
    const fetcher = fetchers.make();
    const ftp = await expectCode(fetcher.fetchPhoto(server.url('/ftp')), 'IMAGE_URL_FORBIDDEN');
    expect(ftp.details['reason']).toBe('SCHEME_NOT_ALLOWED');
    const creds = await expectCode(fetcher.fetchPhoto(server.url('/creds')), 'IMAGE_URL_FORBIDDEN');
    expect(creds.details['reason']).toBe('CREDENTIALS_IN_URL');
  });

  it('fails a redirect without a usable Location', async () => {
    server
      .route('/nowhere', (_req, res) => res.writeHead(302).end())
      .route('/garbled', (_req, res) => res.writeHead(302, { location: 'http://[oops/' }).end());
    const fetcher = fetchers.make();
    for (const path of ['/nowhere', '/garbled']) {
      const error = await expectCode(fetcher.fetchPhoto(server.url(path)), 'IMAGE_FETCH_FAILED');
      expect(error.details['reason']).toBe('BAD_REDIRECT');
    }
  });

  it('fails a 404 at once, with its status', async () => {
    const error = await expectCode(
      fetchers.make().fetchPhoto(server.url('/missing.jpg')),
      'IMAGE_FETCH_FAILED',
    );
    expect(error.details).toMatchObject({ reason: 'HTTP_STATUS', httpStatus: 404, attempts: 1 });
    expect(server.hits('/missing.jpg')).toBe(1);
  });

  it('retries a 500 and then fails with its status', async () => {
    server.route('/broken', (_req, res) => res.writeHead(500).end('boom'));
    const error = await expectCode(
      fetchers.make({ retries: 2 }).fetchPhoto(server.url('/broken')),
      'IMAGE_FETCH_FAILED',
    );
    expect(error.details).toMatchObject({ reason: 'HTTP_STATUS', httpStatus: 500, attempts: 3 });
    expect(server.hits('/broken')).toBe(3);
  });

  it('gets the photo when a 503 passes on retry', async () => {
    let calls = 0;
    server.route('/flaky', (req, res) => {
      calls++;
      if (calls === 1) res.writeHead(503).end();
      else sendPhoto(req, res, server);
    });
    const photo = await fetchers.make().fetchPhoto(server.url('/flaky'));
    expect(Buffer.from(photo.bytes).equals(PHOTO)).toBe(true);
    expect(server.hits('/flaky')).toBe(2);
  });

  it('waits as long as a 429 Retry-After asks, then succeeds', async () => {
    let calls = 0;
    server.route('/busy', (req, res) => {
      calls++;
      if (calls === 1) res.writeHead(429, { 'retry-after': '1' }).end();
      else sendPhoto(req, res, server);
    });
    await fetchers.make().fetchPhoto(server.url('/busy'));
    const [first, second] = server.requests;
    expect(second).toBeDefined();
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('fails at once when Retry-After is longer than it may wait', async () => {
    server.route('/later', (_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
    const error = await expectCode(
      fetchers.make({ maxRetryAfterMs: 5000 }).fetchPhoto(server.url('/later')),
      'IMAGE_FETCH_FAILED',
    );
    expect(error.details).toMatchObject({ httpStatus: 429, retryAfterSeconds: 3600 });
    expect(server.hits('/later')).toBe(1);
  });

  it('times out a server that never answers, after its retries', async () => {
    server.route('/silent', () => undefined);
    const error = await expectCode(
      fetchers.make({ timeoutMs: 150, retries: 1 }).fetchPhoto(server.url('/silent')),
      'IMAGE_FETCH_FAILED',
    );
    expect(error.details).toMatchObject({ reason: 'TIMEOUT', attempts: 2 });
    expect(server.hits('/silent')).toBe(2);
  });

  it('times out a body that trickles past the deadline', async () => {
    server.route('/trickle', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const timer = setInterval(() => res.write('x'), 20);
      res.on('close', () => clearInterval(timer));
    });
    const error = await expectCode(
      fetchers.make({ timeoutMs: 200, retries: 0 }).fetchPhoto(server.url('/trickle')),
      'IMAGE_FETCH_FAILED',
    );
    expect(error.details['reason']).toBe('TIMEOUT');
  });

  it('times out the connect step when resolving hangs', async () => {
    const fetcher = fetchers.make({
      connectTimeoutMs: 100,
      retries: 0,
      resolve: () => new Promise(() => undefined),
    });
    const error = await expectCode(
      fetcher.fetchPhoto('http://hangs.example/a.jpg'),
      'IMAGE_FETCH_FAILED',
    );
    expect(error.details).toMatchObject({
      reason: 'CONNECT_TIMEOUT',
      networkCode: 'UND_ERR_CONNECT_TIMEOUT',
    });
  });

  it('stops reading a never-ending body at the cap', async () => {
    let written = 0;
    const serverSawClose = new Promise<void>((resolve) => {
      server.route('/endless', (_req, res) => {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        const chunk = Buffer.alloc(16 * 1024, 7);
        let open = true;
        const pump = () => {
          while (open && res.write(chunk)) written += chunk.length;
        };
        res.on('drain', pump);
        res.on('close', () => {
          open = false;
          resolve();
        });
        pump();
      });
    });
    const error = await expectCode(
      fetchers.make({ maxBytes: 100_000 }).fetchPhoto(server.url('/endless')),
      'PAYLOAD_TOO_LARGE',
    );
    expect(error.details).toMatchObject({ url: server.url('/endless'), maxBytes: 100_000 });
    await serverSawClose;
    // The fetcher hung up: the server wrote a bounded amount (socket buffers), not forever.
    expect(written).toBeLessThan(100 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    server.route('/huge', (_req, res) => {
      res.writeHead(200, { 'content-length': String(50_000_000) });
      res.write(Buffer.alloc(1024));
    });
    const error = await expectCode(
      fetchers.make({ maxBytes: 10_000 }).fetchPhoto(server.url('/huge')),
      'PAYLOAD_TOO_LARGE',
    );
    expect(error.details['maxBytes']).toBe(10_000);
  });

  it('keeps at most maxPerHost requests in flight to one host', async () => {
    server.route('/slow.jpg', (req, res) => {
      setTimeout(() => sendPhoto(req, res, server), 30);
    });
    const fetcher = fetchers.make({ maxPerHost: 2, maxConcurrency: 16 });
    await Promise.all(Array.from({ length: 8 }, () => fetcher.fetchPhoto(server.url('/slow.jpg'))));
    expect(server.hits('/slow.jpg')).toBe(8);
    expect(server.maxInFlight).toBe(2);
  });

  it('keeps at most maxConcurrency requests in flight over all hosts', async () => {
    server.route('/slow.jpg', (req, res) => {
      setTimeout(() => sendPhoto(req, res, server), 30);
    });
    const hosts = ['a.test', 'b.test', 'c.test'];
    const fetcher = fetchers.make({
      maxPerHost: 2,
      maxConcurrency: 3,
      allowHosts: [...hosts],
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const urls = hosts.flatMap((host) =>
      Array.from({ length: 4 }, () => server.url('/slow.jpg', host)),
    );
    await Promise.all(urls.map((url) => fetcher.fetchPhoto(url)));
    expect(server.hits('/slow.jpg')).toBe(12);
    expect(server.maxInFlight).toBe(3);
    for (const host of hosts) expect(server.maxInFlightByHost.get(host)).toBeLessThanOrEqual(2);
  });

  it('says the connection was refused when nothing listens', async () => {
    const closed = await new PhotoServer().start();
    const url = closed.url('/a.jpg');
    await closed.stop();
    const error = await expectCode(fetchers.make().fetchPhoto(url), 'IMAGE_FETCH_FAILED');
    expect(error.details).toMatchObject({
      reason: 'CONNECTION_REFUSED',
      networkCode: 'ECONNREFUSED',
    });
  });

  it('retries a dropped connection', async () => {
    let calls = 0;
    server.route('/drop', (req, res) => {
      calls++;
      if (calls === 1) req.socket.destroy();
      else sendPhoto(req, res, server);
    });
    const photo = await fetchers.make().fetchPhoto(server.url('/drop'));
    expect(photo.bytes.length).toBe(PHOTO.length);
    expect(server.hits('/drop')).toBe(2);
  });

  it('says why a DNS lookup failed', async () => {
    const fetcher = fetchers.make({
      resolve: () => Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' })),
    });
    const error = await expectCode(
      fetcher.fetchPhoto('http://nowhere.example/a.jpg'),
      'IMAGE_FETCH_FAILED',
    );
    expect(error.details).toMatchObject({
      reason: 'DNS_FAILURE',
      url: 'http://nowhere.example/a.jpg',
    });
  });

  it("aborts with the caller's reason", async () => {
    server.route('/silent', () => undefined);
    const controller = new AbortController();
    const pending = fetchers.make().fetchPhoto(server.url('/silent'), controller.signal);
    const reason = new Error('request cancelled');
    setImmediate(() => controller.abort(reason));
    await expect(pending).rejects.toBe(reason);
  });

  it('never sends a request the caller gave up on while it queued', async () => {
    let release = () => undefined as void;
    server
      .route('/hold', (req, res) => {
        release = () => sendPhoto(req, res, server);
      })
      .route('/queued', sendPhoto);
    const fetcher = fetchers.make({ maxPerHost: 1 });
    const first = fetcher.fetchPhoto(server.url('/hold'));
    const controller = new AbortController();
    const queued = fetcher.fetchPhoto(server.url('/queued'), controller.signal);
    const reason = new Error('gave up');
    controller.abort(reason);
    await new Promise<void>((resolve) => {
      const wait = () => (server.hits('/hold') === 1 ? resolve() : setImmediate(wait));
      wait();
    });
    release();
    await first;
    await expect(queued).rejects.toBe(reason);
    expect(server.hits('/queued')).toBe(0);
  });

  it('answers BAD_USER_INPUT for a string that is no URL', async () => {
    const error = await expectCode(fetchers.make().fetchPhoto('not a url'), 'BAD_USER_INPUT');
    expect(error.details['reason']).toBe('INVALID_URL');
  });
});
