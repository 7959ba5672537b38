import { createHash } from 'node:crypto';
import { contentSha256 } from '../../../src/domain/content-hash';

function reference(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('contentSha256', () => {
  it.each([
    ['empty', 0],
    ['a small photo, hashed on the calling thread', 20_000],
    ['the largest size hashed on the calling thread', 256 * 1024],
    ['one byte more, hashed in the thread pool', 256 * 1024 + 1],
    ['a 10 MB upload', 10 * 1024 * 1024],
  ])('%s: the sha256 of the bytes, hex', async (_name, size) => {
    const bytes = new Uint8Array(size).map((_, i) => (i * 7919) % 251);
    expect(await contentSha256(bytes)).toBe(reference(bytes));
  });

  it('hashes a view, not the whole buffer behind it', async () => {
    const whole = new Uint8Array(1000).map((_, i) => i % 256);
    const view = whole.subarray(100, 300);
    expect(await contentSha256(view)).toBe(reference(Buffer.from(whole.buffer, 100, 200)));
  });

  it('computes once per buffer', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(contentSha256(bytes)).toBe(contentSha256(bytes));
  });
});
