import type { NextFunction, Request, Response } from 'express';
import { BadUserInputError, NotFoundError } from '../../errors/app-error';

/** What the route reads: the PhotoStore port's `get` (http/ does not import ports/). */
export interface PhotoReader {
  get(sha256: string): Promise<{ readonly bytes: Uint8Array; readonly contentType: string } | null>;
}

export const PHOTOS_PATH = '/photos/:sha256';

const SHA256 = /^[0-9a-f]{64}$/;
/** The bytes under a hash never change, so caches may keep them forever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** True when If-None-Match names this entity tag (weak or strong) or is `*`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/**
 * GET /photos/<sha256>: a kept original, as stored. 400 BAD_USER_INPUT for anything but a
 * lower-case hex sha256 (checked before the store is asked), 404 NOT_FOUND for an unknown hash
 * or when no store is kept, 304 when the client's If-None-Match already names it.
 */
export function photosRoute(reader: PhotoReader | undefined) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const sha256 = String(req.params['sha256']);
    try {
      if (!SHA256.test(sha256)) {
        throw new BadUserInputError('Not a lower-case hex sha256', { field: 'sha256' });
      }
      const photo = reader === undefined ? null : await reader.get(sha256);
      if (photo === null) throw new NotFoundError('No photo with this sha256', { sha256 });
      const etag = `"${sha256}"`;
      res.set({ ETag: etag, 'Cache-Control': IMMUTABLE, 'X-Content-Type-Options': 'nosniff' });
      if (matches(req.get('if-none-match'), etag)) {
        res.status(304).end();
        return;
      }
      res
        .type(photo.contentType)
        .send(Buffer.from(photo.bytes.buffer, photo.bytes.byteOffset, photo.bytes.byteLength));
    } catch (error) {
      next(error);
    }
  };
}
