import type { Readable } from 'node:stream';
import { BadUserInputError, PayloadTooLargeError } from '../errors/app-error';

/** The parts of graphql-upload-ts's FileUpload we use (kept structural so tests can fake it). */
interface UploadedFile {
  readonly filename: string;
  readonly mimetype: string;
  createReadStream(): Readable;
}

/** A file as resolvers hand it to services. */
export interface ReadUpload {
  readonly bytes: Buffer;
  readonly filename: string;
}

/**
 * What an `Upload` argument holds at resolve time: the GraphQLUpload scalar yields a promise of
 * the FileUpload; direct callers may pass an Upload instance (with `.promise`) or the file.
 */
export type UploadValue =
  Promise<UploadedFile> | { readonly promise: Promise<UploadedFile> } | UploadedFile;

async function resolveUpload(value: UploadValue): Promise<UploadedFile> {
  if (value === null || typeof value !== 'object') {
    throw new BadUserInputError('Expected an uploaded file', { reason: 'NOT_AN_UPLOAD' });
  }
  if ('createReadStream' in value) return value;
  if ('promise' in value) return value.promise;
  return value;
}

/**
 * Reads one upload into memory, refusing more than `maxBytes`. The stream is always consumed to
 * its end or destroyed, so graphql-upload-ts can release its temp file when the response closes.
 */
export async function readUpload(value: UploadValue, maxBytes: number): Promise<ReadUpload> {
  const file = await resolveUpload(value);
  const stream = file.createReadStream();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buffer.length;
      if (size > maxBytes) {
        throw new PayloadTooLargeError(`An upload exceeds the ${maxBytes} byte limit`, {
          maxBytes,
          filename: file.filename,
        });
      }
      chunks.push(buffer);
    }
  } finally {
    if (!stream.destroyed) stream.destroy();
  }
  return { bytes: Buffer.concat(chunks, size), filename: file.filename };
}
