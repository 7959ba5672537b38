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
 * One read per uploaded file, however many aliases or arguments use it: each read opens a reader
 * on the temp file, and more than ten readers waiting on one file tripped Node's
 * MaxListenersExceededWarning (and read the same bytes ten times).
 */
const reads = new WeakMap<UploadedFile, Promise<ReadUpload>>();

/**
 * Reads one upload into memory, refusing more than `maxBytes`. The stream is always consumed to
 * its end or destroyed, so graphql-upload-ts can release its temp file when the response closes.
 */
export async function readUpload(value: UploadValue, maxBytes: number): Promise<ReadUpload> {
  const file = await resolveUpload(value);
  let read = reads.get(file);
  if (read === undefined) {
    read = readFile(file, maxBytes);
    reads.set(file, read);
  }
  return read;
}

async function readFile(file: UploadedFile, maxBytes: number): Promise<ReadUpload> {
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

/**
 * Reads every upload even when one fails, so no stream is left half-read, then throws the first
 * failure (in argument order) or returns the files in order.
 */
export async function readUploads(
  values: readonly UploadValue[],
  maxBytes: number,
): Promise<ReadUpload[]> {
  const settled = await Promise.allSettled(values.map((value) => readUpload(value, maxBytes)));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<ReadUpload>).value);
}
