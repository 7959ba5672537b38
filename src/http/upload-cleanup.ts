import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FileUpload, IncomingReq, UploadOptions } from 'graphql-upload-ts';
import { processRequest, Upload } from 'graphql-upload-ts';

function collectUploads(value: unknown, found: Upload[], depth = 0): void {
  if (value instanceof Upload) {
    found.push(value);
    return;
  }
  if (depth > 64 || value === null || typeof value !== 'object') return;
  for (const child of Object.values(value)) collectUploads(child, found, depth + 1);
}

type BodyStream = IncomingReq & Pick<IncomingMessage, 'on' | 'destroy' | 'destroyed'>;

/** graphql-upload-ts types the request narrowly; express always hands it the IncomingMessage. */
function isStream(request: IncomingReq): request is BodyStream {
  const stream = request as Partial<BodyStream>;
  return typeof stream.on === 'function' && typeof stream.destroy === 'function';
}

/**
 * Reads and throws away what is left of a request answered before its body arrived. Busboy
 * stops reading once the response has closed (the released uploads' streams are unpiped), so
 * the body stalled on the wire: the client could not finish sending it, the keep-alive timer
 * then closed the socket with unread bytes, and the client heard ECONNRESET instead of the
 * answer (or lost the connection for its next request). Discarding lets the client finish and
 * keeps the connection usable; past `limit` bytes (more than any accepted request could hold)
 * the socket is closed instead, so an endless body costs nothing.
 */
function discardRest(request: IncomingReq, limit: number): void {
  if (!isStream(request) || request.readableEnded || request.destroyed) return;
  let discarded = 0;
  request.unpipe();
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit) request.destroy();
  });
  request.resume();
}

function release(file: FileUpload): void {
  // Destroys the temp file's descriptor and unlinks it once no reader holds it.
  file.capacitor.release();
}

/** The most an accepted request's body could hold, with room for the form's other parts. */
function discardLimit(options: UploadOptions | undefined): number {
  const perFile = options?.maxFileSize ?? 0;
  const files = options?.maxFiles ?? 0;
  const bodies = Number.isFinite(perFile * files) ? perFile * files : 0;
  return bodies + 1024 * 1024 + (options?.maxFieldSize ?? 1024 * 1024);
}

/**
 * graphql-upload-ts's processRequest, plus the cleanup it misses: it releases uploads' temp files
 * when the response closes, but only those whose file part had arrived by then. When the answer
 * comes early (no preflight header, a batch, a parse or validation error) the rest of the body is
 * often still on the wire, so a file part can arrive after the response closed; its temp file
 * and descriptor then stayed until the process exited. This releases such late files on arrival,
 * and reads the rest of the body away (discardRest) so that the early answer reaches the client.
 */
export async function processRequestWithCleanup<T>(
  request: IncomingReq,
  response: Pick<ServerResponse, 'once'>,
  options?: UploadOptions,
): Promise<T> {
  let closed = false;
  const uploads: Upload[] = [];
  response.once('close', () => {
    closed = true;
    for (const upload of uploads) if (upload.file !== undefined) release(upload.file);
    discardRest(request, discardLimit(options));
  });
  const operations = await processRequest<T>(request, response, options);
  collectUploads(operations, uploads);
  for (const upload of uploads) {
    upload.promise.then(
      (file) => {
        if (closed) release(file);
      },
      () => undefined,
    );
  }
  return operations;
}
