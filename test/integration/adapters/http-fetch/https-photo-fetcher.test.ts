import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expectCode } from '../../../helpers/expect-code';
import { fetcherFactory } from './fetcher-options';
import { PHOTO } from './photo-server';

// A self-signed certificate made for these tests only (CN photos.test, SAN 127.0.0.1, 100 years).
const cert = readFileSync(path.join(__dirname, 'test-only-tls.crt'), 'utf8');
const key = readFileSync(path.join(__dirname, 'test-only-tls.key'), 'utf8');

describe('HttpPhotoFetcher over real HTTPS', () => {
  let server: https.Server;
  let port = 0;
  const fetchers = fetcherFactory();

  beforeAll(async () => {
    server = https.createServer({ cert, key }, (_req, res) => res.end(PHOTO));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => fetchers.closeAll());
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fetches from a host whose certificate it trusts, checked against the name', async () => {
    const fetcher = fetchers.make({
      ca: cert,
      allowHosts: ['photos.test'],
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const photo = await fetcher.fetchPhoto(`https://photos.test:${port}/a.jpg`);
    expect(Buffer.from(photo.bytes).equals(PHOTO)).toBe(true);
  });

  it('fails with reason TLS when the certificate is not trusted, without retrying', async () => {
    const error = await expectCode(
      fetchers.make().fetchPhoto(`https://127.0.0.1:${port}/a.jpg`),
      'IMAGE_FETCH_FAILED',
    );
    expect(error.details).toMatchObject({ reason: 'TLS', attempts: 1 });
  });

  it('fails with reason TLS when the certificate names another host', async () => {
    const fetcher = fetchers.make({
      ca: cert,
      allowHosts: ['other.test'],
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const error = await expectCode(
      fetcher.fetchPhoto(`https://other.test:${port}/a.jpg`),
      'IMAGE_FETCH_FAILED',
    );
    expect(error.details).toMatchObject({
      reason: 'TLS',
      networkCode: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });
});
