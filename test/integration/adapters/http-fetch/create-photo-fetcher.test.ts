import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createPhotoFetcher } from '../../../../src/composition/create-photo-fetcher';
import { loadConfig } from '../../../../src/config/load-config';
import { expectCode } from '../../../helpers/expect-code';
import { PhotoServer, sendPhoto } from './photo-server';

const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8')) as {
  name: string;
  version: string;
};

describe('createPhotoFetcher', () => {
  let server: PhotoServer;
  const logger = pino({ level: 'silent' });

  beforeEach(async () => {
    server = await new PhotoServer().start();
    server.route('/a.jpg', sendPhoto);
  });
  afterEach(() => server.stop());

  it('builds the fetcher from IMAGE_FETCH_* and names the service and version', async () => {
    const config = loadConfig({ IMAGE_FETCH_ALLOW_HOSTS: '127.0.0.1' });
    const fetcher = createPhotoFetcher(config.photoFetch, logger);
    try {
      await fetcher.fetchPhoto(server.url('/a.jpg'));
    } finally {
      await fetcher.close();
    }
    expect(server.requests[0]?.userAgent).toBe(`${pkg.name}/${pkg.version} (+photo fetcher)`);
  });

  it('refuses loopback with the default configuration', async () => {
    const fetcher = createPhotoFetcher(loadConfig({}).photoFetch, logger);
    try {
      await expectCode(fetcher.fetchPhoto(server.url('/a.jpg')), 'IMAGE_URL_FORBIDDEN');
    } finally {
      await fetcher.close();
    }
    expect(server.requests).toEqual([]);
  });
});
