import { AddressPolicy } from '../../../../src/adapters/http-fetch/address-policy';

const strict = new AddressPolicy({ allowPrivate: false, allowHosts: [] });

/** Every range refused by default, with the range name the refusal carries. */
const REFUSED: ReadonlyArray<[string, string]> = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['169.254.1.1', 'linkLocal'],
  ['169.254.169.254', 'metadata'],
  ['169.254.170.2', 'metadata'],
  ['100.100.100.200', 'metadata'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  ['192.0.2.1', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'linkLocal'],
  ['fc00::1', 'uniqueLocal'],
  ['fd12:3456::1', 'uniqueLocal'],
  ['fd00:ec2::254', 'metadata'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'reserved'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['::ffff:0.0.0.0', 'unspecified'],
  ['::7f00:1', 'ipv4Compatible'],
  ['64:ff9b::7f00:1', 'rfc6052'],
  ['2002:7f00:1::1', '6to4'],
];

const PUBLIC = ['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];

describe('AddressPolicy.checkAddress', () => {
  it.each(REFUSED)('refuses %s by default (%s)', (address, range) => {
    expect(strict.checkAddress('photos.example.com', address)).toEqual({
      reason: 'ADDRESS_NOT_ALLOWED',
      address,
      range,
    });
  });

  it.each(PUBLIC)('allows the public address %s', (address) => {
    expect(strict.checkAddress('photos.example.com', address)).toBeUndefined();
  });

  it('lifts private, CGNAT and unique-local ranges under allowPrivate, nothing else', () => {
    const policy = new AddressPolicy({ allowPrivate: true, allowHosts: [] });
    for (const address of ['10.1.2.3', '192.168.0.9', '100.64.0.1', 'fd00::1', '::ffff:10.0.0.1']) {
      expect(policy.checkAddress('h', address)).toBeUndefined();
    }
    for (const address of ['127.0.0.1', '::1', '169.254.169.254', '169.254.1.1', '0.0.0.0']) {
      expect(policy.checkAddress('h', address)?.reason).toBe('ADDRESS_NOT_ALLOWED');
    }
    expect(policy.checkAddress('h', '100.100.100.200')?.range).toBe('metadata');
    expect(policy.checkAddress('h', 'fd00:ec2::254')?.range).toBe('metadata');
  });

  it('accepts any address of an allowed CIDR or IP, metadata included when named', () => {
    const policy = new AddressPolicy({
      allowPrivate: false,
      allowHosts: ['127.0.0.1', '10.20.0.0/16', 'fd00::/8', '169.254.169.254/32'],
    });
    expect(policy.checkAddress('anything', '127.0.0.1')).toBeUndefined();
    expect(policy.checkAddress('anything', '::ffff:127.0.0.1')).toBeUndefined();
    expect(policy.checkAddress('anything', '10.20.9.9')).toBeUndefined();
    expect(policy.checkAddress('anything', 'fd00::5')).toBeUndefined();
    expect(policy.checkAddress('anything', '169.254.169.254')).toBeUndefined();
    expect(policy.checkAddress('anything', '127.0.0.2')?.range).toBe('loopback');
    expect(policy.checkAddress('anything', '10.21.0.1')?.range).toBe('private');
  });

  it('accepts every address of an allowed hostname but metadata ones', () => {
    const policy = new AddressPolicy({
      allowPrivate: false,
      allowHosts: ['Images.Internal', '*.cdn.internal'],
    });
    expect(policy.checkAddress('images.internal', '10.0.0.5')).toBeUndefined();
    expect(policy.checkAddress('images.internal.', '127.0.0.1')).toBeUndefined();
    expect(policy.checkAddress('eu.cdn.internal', '192.168.3.3')).toBeUndefined();
    expect(policy.checkAddress('cdn.internal', '192.168.3.3')?.range).toBe('private');
    expect(policy.checkAddress('evilimages.internal', '10.0.0.5')?.range).toBe('private');
    expect(policy.checkAddress('images.internal', '169.254.169.254')?.range).toBe('metadata');
  });

  it('refuses what is not an address at all', () => {
    expect(strict.checkAddress('h', 'not-an-ip')?.range).toBe('invalid');
  });

  it('refuses a malformed allow-list entry at construction', () => {
    expect(() => new AddressPolicy({ allowPrivate: false, allowHosts: ['10.0.0.0/33'] })).toThrow(
      TypeError,
    );
    expect(() => new AddressPolicy({ allowPrivate: false, allowHosts: ['a b'] })).toThrow(
      TypeError,
    );
  });
});

describe('AddressPolicy.checkUrl', () => {
  const check = (url: string) => strict.checkUrl(new URL(url));

  it('allows http and https to a public name or address', () => {
    expect(check('http://photos.example.com/a.jpg')).toBeUndefined();
    expect(check('https://93.184.216.34:8443/a.jpg')).toBeUndefined();
    expect(check('https://[2606:4700:4700::1111]/a.jpg')).toBeUndefined();
  });

  it.each([
    'ftp://example.com/a.jpg',
    'file:///etc/passwd',
    'data:image/png;base64,AAAA',
    'gopher://x/',
  ])('refuses the scheme of %s', (url) => {
    expect(check(url)).toEqual({ reason: 'SCHEME_NOT_ALLOWED' });
  });

  it('refuses credentials in the URL', () => {
    expect(check('https://user:secret@photos.example.com/a.jpg')).toEqual({
      reason: 'CREDENTIALS_IN_URL',
    });
    expect(check('https://user@photos.example.com/a.jpg')?.reason).toBe('CREDENTIALS_IN_URL');
  });

  it.each([
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://METADATA.google.internal./x',
    'http://metadata.goog/x',
    'http://instance-data/latest/',
  ])('refuses the metadata hostname in %s', (url) => {
    expect(check(url)).toEqual({ reason: 'METADATA_HOST' });
  });

  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://017700000001/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://0/', 'unspecified'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:a9fe:a9fe]/', 'metadata'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://0xa9.0xfe.0xa9.0xfe/', 'metadata'],
    ['http://10.0.0.1:8080/', 'private'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://[fd00::1]/', 'uniqueLocal'],
  ])('refuses the literal address of %s (%s), in any notation', (url, range) => {
    expect(check(url)).toMatchObject({ reason: 'ADDRESS_NOT_ALLOWED', range });
  });
});
