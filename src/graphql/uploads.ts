import type { Readable } from 'node:stream';
import { AppError, BadUserInputError, PayloadTooLargeError } from '../errors/app-error';

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

/** Which photo of the operation an upload is: its argument path, and its index in a list. */
export interface PhotoRef {
  readonly argument: string;
  readonly index?: number;
}

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

const tooLarge = (maxBytes: number, cause?: unknown): PayloadTooLargeError =>
  new PayloadTooLargeError(
    `An upload is larger than the ${maxBytes} byte limit`,
    { maxBytes },
    { cause },
  );

/** graphql-upload-ts refuses a file over its own limit with an http-errors 413. */
const isLimitError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 413;

async function readFile(file: UploadedFile, maxBytes: number): Promise<ReadUpload> {
  const chunks: Buffer[] = [];
  let size = 0;
  let stream: Readable | undefined;
  try {
    stream = file.createReadStream();
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buffer.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(buffer);
    }
  } catch (error) {
    if (isLimitError(error)) throw tooLarge(maxBytes, error);
    throw error;
  } finally {
    if (stream !== undefined && !stream.destroyed) stream.destroy();
  }
  return { bytes: Buffer.concat(chunks, size), filename: file.filename };
}

/** The same error, with which photo it is about added to its details. */
function naming(error: unknown, photo: PhotoRef, filename: string | undefined): unknown {
  if (!(error instanceof AppError)) return error;
  const Type = error.constructor as new (
    message: string,
    details: Record<string, unknown>,
    options?: ErrorOptions,
  ) => AppError;
  const where = photo.index === undefined ? photo.argument : `${photo.argument}[${photo.index}]`;
  return new Type(
    `${where}: ${error.message}`,
    { ...error.details, ...photo, ...(filename === undefined ? {} : { filename }) },
    { cause: error.cause ?? error },
  );
}

/**
 * Reads one upload into memory, refusing more than `maxBytes`. Errors name the photo (`photo`: argument path
 * and index) in their details. The stream is always consumed to its end or destroyed, so
 * graphql-upload-ts can release its temp file when the response closes.
 */
export async function readUpload(
  value: UploadValue,
  maxBytes: number,
  photo: PhotoRef = { argument: 'image' },
): Promise<ReadUpload> {
  let file: UploadedFile | undefined;
  try {
    file = await resolveUpload(value);
    let read = reads.get(file);
    if (read === undefined) {
      read = readFile(file, maxBytes);
      reads.set(file, read);
    }
    return await read;
  } catch (error) {
    throw naming(isLimitError(error) ? tooLarge(maxBytes, error) : error, photo, file?.filename);
  }
}
