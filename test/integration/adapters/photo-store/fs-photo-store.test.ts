/** The filesystem PhotoStore on a real temp folder: durability, idempotence, crash leftovers. */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FsPhotoStore } from '../../../../src/adapters/photo-store/fs-photo-store';
import { createPhotoStore } from '../../../../src/composition/create-photo-store';
import { ErrorCode } from '../../../../src/errors/app-error';
import { expectCode } from '../../../helpers/expect-code';
import { photoOf, solidImage } from '../../../helpers/images';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pis-photos-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

it('gives back exactly the bytes put, with the type sniffed from them, under <aa>/<sha256>', async () => {
  const store = await FsPhotoStore.open(dir);
  const jpeg = await photoOf('red');
  const png = await solidImage('blue', 'png');
  await store.put(sha(jpeg), jpeg, 'image/jpeg');
  await store.put(sha(png), png, 'image/png');
  const back = await store.get(sha(jpeg));
  expect(Buffer.from(back!.bytes).equals(jpeg)).toBe(true);
  expect(back!.contentType).toBe('image/jpeg');
  expect((await store.get(sha(png)))!.contentType).toBe('image/png');
  expect(await filesUnder(dir)).toEqual(
    [sha(jpeg), sha(png)].map((h) => path.join(h.slice(0, 2), h)).sort(),
  );
  // A fresh store on the same folder (a restart) reads the same bytes.
  const reopened = await FsPhotoStore.open(dir);
  expect(Buffer.from((await reopened.get(sha(png)))!.bytes).equals(png)).toBe(true);
});

it('is idempotent, and concurrent puts of one hash leave one whole file and no temp files', async () => {
  const store = await FsPhotoStore.open(dir);
  const bytes = await photoOf('green', { seed: 11 });
  const hash = sha(bytes);
  await Promise.all(Array.from({ length: 12 }, () => store.put(hash, bytes, 'image/jpeg')));
  await store.put(hash, bytes, 'image/jpeg');
  expect(await filesUnder(dir)).toEqual([path.join(hash.slice(0, 2), hash)]);
  expect(Buffer.from((await store.get(hash))!.bytes).equals(bytes)).toBe(true);
});

it('refuses bytes that do not hash to the name they are put under', async () => {
  const store = await FsPhotoStore.open(dir);
  const bytes = await photoOf('red');
  await expect(store.put('0'.repeat(64), bytes, 'image/jpeg')).rejects.toThrow(TypeError);
  expect(await filesUnder(dir)).toEqual([]);
});

it('never touches the filesystem for a malformed hash (no path traversal)', async () => {
  const inner = path.join(dir, 'store');
  const store = await FsPhotoStore.open(inner);
  const secret = path.join(dir, 'secret');
  await writeFile(secret, 'do not serve');
  for (const bad of [
    '../secret',
    '..',
    '',
    'A'.repeat(64),
    `${'a'.repeat(64)}/x`,
    'ab/../../secret',
  ]) {
    expect(await store.get(bad)).toBeNull();
    await expect(store.put(bad, new Uint8Array([1]), 'image/png')).rejects.toThrow(TypeError);
  }
  await store.delete(['../secret', '../../secret']);
  expect(await readdir(dir)).toEqual(expect.arrayContaining(['secret']));
});

it('deletes what is there and ignores unknown hashes', async () => {
  const store = await FsPhotoStore.open(dir);
  const a = await photoOf('red', { seed: 1 });
  const b = await photoOf('red', { seed: 2 });
  await store.put(sha(a), a, 'image/jpeg');
  await store.put(sha(b), b, 'image/jpeg');
  await store.delete([sha(a), 'f'.repeat(64), sha(a)]);
  expect(await store.get(sha(a))).toBeNull();
  expect(await store.get(sha(b))).not.toBeNull();
  await store.put(sha(a), a, 'image/jpeg'); // a deleted photo can come back
  expect(await store.get(sha(a))).not.toBeNull();
});

it('removes a crash’s temp files at open, and never serves them', async () => {
  const bytes = await photoOf('blue');
  const hash = sha(bytes);
  const shard = path.join(dir, hash.slice(0, 2));
  await mkdir(shard, { recursive: true });
  const leftover = path.join(shard, `.tmp-${hash}-deadbeef0000`);
  await writeFile(leftover, bytes.subarray(0, 100)); // a half-written photo
  const store = await FsPhotoStore.open(dir);
  expect(await filesUnder(dir)).toEqual([]);
  expect(await store.get(hash)).toBeNull();
  await store.put(hash, bytes, 'image/jpeg');
  expect(Buffer.from((await store.get(hash))!.bytes).equals(bytes)).toBe(true);
});

it('fails with INDEX_UNAVAILABLE when the folder cannot be written', async () => {
  const file = path.join(dir, 'a-file');
  await writeFile(file, 'x');
  await expectCode(FsPhotoStore.open(path.join(file, 'photos')), ErrorCode.INDEX_UNAVAILABLE);
});

it('PHOTO_STORE=none keeps nothing and finds nothing', async () => {
  const store = await createPhotoStore({ kind: 'none' });
  const bytes = await photoOf('red');
  await store.put(sha(bytes), bytes, 'image/jpeg');
  expect(await store.get(sha(bytes))).toBeNull();
  const fs = await createPhotoStore({ kind: 'fs', dir: path.join(dir, 'p') });
  await fs.put(sha(bytes), bytes, 'image/jpeg');
  expect(await fs.get(sha(bytes))).not.toBeNull();
});
