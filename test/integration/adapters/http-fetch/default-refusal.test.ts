import type { LookupAddress } from 'node:dns';
import { expectCode } from '../../../helpers/expect-code';
import { fetcherFactory } from './fetcher-options';
import { PhotoServer, sendPhoto } from './photo-server';

/**
 * The fetcher with the service's default policy (nothing allowed but public addresses). A
 * photo server listens on 127.0.0.1 throughout and must never see a request.
 */
describe('HttpPhotoFetcher refuses by default', () => {
  let server: PhotoServer;
  const fetchers = fetcherFactory();
  const strict = (resolve?: (hostname: string) => Promise<readonly LookupAddress[]>) =>
    fetchers.make({ allowHosts: [], ...(resolve === undefined ? {} : { resolve }) });

  beforeAll(async () => {
    server = await new PhotoServer().start();
    server.route('/a.jpg', sendPhoto);
  });
  afterEach(() => fetchers.closeAll());
  afterAll(async () => {
    expect(server.requests).toEqual([]);
    await server.stop();
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['2130706433', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['017700000001', 'loopback'],
    ['127.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['[::]', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.0.1', 'private'],
    ['[::ffff:192.168.0.1]', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['169.254.169.254', 'metadata'],
    ['[::ffff:169.254.169.254]', 'metadata'],
    ['169.254.10.10', 'linkLocal'],
    ['[fe80::1]', 'linkLocal'],
    ['[fc00::1]', 'uniqueLocal'],
    ['[fd00:ec2::254]', 'metadata'],
    ['224.0.0.1', 'multicast'],
    ['[ff02::1]', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
  ])('refuses the literal address %s (%s)', async (host, range) => {
    const url = `http://${host}:${server.port}/a.jpg`;
    const error = await expectCode(strict().fetchPhoto(url), 'IMAGE_URL_FORBIDDEN');
    expect(error.details).toMatchObject({ url, reason: 'ADDRESS_NOT_ALLOWED', range });
  });

  it('refuses localhost, which resolves to loopback (real DNS)', async () => {
    const url = server.url('/a.jpg', 'localhost');
    const error = await expectCode(strict().fetchPhoto(url), 'IMAGE_URL_FORBIDDEN');
    expect(error.details).toMatchObject({
      url,
      reason: 'ADDRESS_NOT_ALLOWED',
      range: 'loopback',
      hostname: 'localhost',
    });
  });

  it('refuses the metadata hostnames without resolving them', async () => {
    let lookups = 0;
    const fetcher = strict(async () => {
      lookups++;
      return [{ address: '8.8.8.8', family: 4 }];
    });
    for (const url of [
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://metadata.goog/computeMetadata/v1/',
    ]) {
      const error = await expectCode(fetcher.fetchPhoto(url), 'IMAGE_URL_FORBIDDEN');
      expect(error.details['reason']).toBe('METADATA_HOST');
    }
    expect(lookups).toBe(0);
  });

  it('refuses a public-looking name whose DNS answer is private', async () => {
    const fetcher = strict(async () => [{ address: '10.1.2.3', family: 4 }]);
    const error = await expectCode(
      fetcher.fetchPhoto('http://cdn.shop.example/a.jpg'),
      'IMAGE_URL_FORBIDDEN',
    );
    expect(error.details).toMatchObject({
      reason: 'ADDRESS_NOT_ALLOWED',
      address: '10.1.2.3',
      range: 'private',
      hostname: 'cdn.shop.example',
    });
  });

  it('refuses a name that answers with an IPv4-mapped loopback address', async () => {
    const fetcher = strict(async () => [{ address: '::ffff:127.0.0.1', family: 6 }]);
    const url = server.url('/a.jpg', 'mapped.example');
    const error = await expectCode(fetcher.fetchPhoto(url), 'IMAGE_URL_FORBIDDEN');
    expect(error.details).toMatchObject({ address: '::ffff:127.0.0.1', range: 'loopback' });
  });

  it('resolves once per connection and judges that very answer (no check-then-connect gap)', async () => {
    let lookups = 0;
    const fetcher = strict(async () => {
      lookups++;
      return [{ address: '127.0.0.1', family: 4 }];
    });
    const error = await expectCode(
      fetcher.fetchPhoto(server.url('/a.jpg', 'rebind.example')),
      'IMAGE_URL_FORBIDDEN',
    );
    expect(error.details).toMatchObject({ address: '127.0.0.1', range: 'loopback' });
    expect(lookups).toBe(1);
  });
});

describe('HttpPhotoFetcher connects only to allowed addresses of a name', () => {
  let server: PhotoServer;
  const fetchers = fetcherFactory();

  beforeEach(async () => {
    server = await new PhotoServer().start();
    server.route('/a.jpg', (req, res) => {
      res.setHeader('connection', 'close');
      sendPhoto(req, res, server);
    });
  });
  afterEach(async () => {
    await fetchers.closeAll();
    await server.stop();
  });

  it('skips the refused addresses of a mixed answer and uses the allowed one', async () => {
    const fetcher = fetchers.make({
      allowHosts: ['127.0.0.1'],
      resolve: async () => [
        { address: '10.9.9.9', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    const photo = await fetcher.fetchPhoto(server.url('/a.jpg', 'mixed.example'));
    expect(photo.bytes.length).toBeGreaterThan(0);
    expect(server.hits('/a.jpg')).toBe(1);
  });

  it('judges every new connection: an answer that changes to a refused address is refused', async () => {
    const answers = ['127.0.0.1', '127.0.0.2'];
    let lookups = 0;
    const fetcher = fetchers.make({
      allowHosts: ['127.0.0.1'],
      resolve: async () => [{ address: answers[lookups++] ?? '127.0.0.2', family: 4 }],
    });
    const url = server.url('/a.jpg', 'flip.example');
    await fetcher.fetchPhoto(url);
    // The server closed the connection, so the second fetch resolves again.
    const error = await expectCode(fetcher.fetchPhoto(url), 'IMAGE_URL_FORBIDDEN');
    expect(error.details).toMatchObject({ address: '127.0.0.2', range: 'loopback' });
    expect(lookups).toBe(2);
    expect(server.hits('/a.jpg')).toBe(1);
  });

  it('lets an allow-listed hostname reach its private address', async () => {
    const fetcher = fetchers.make({
      allowHosts: ['images.internal'],
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const photo = await fetcher.fetchPhoto(server.url('/a.jpg', 'images.internal'));
    expect(photo.finalUrl).toBe(server.url('/a.jpg', 'images.internal'));
    expect(server.requests[0]?.host).toBe('images.internal');
  });
});
