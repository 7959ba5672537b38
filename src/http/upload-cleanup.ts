import type { ServerResponse } from 'node:http';
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

function release(file: FileUpload): void {
  // Destroys the temp file's descriptor and unlinks it once no reader holds it.
  file.capacitor.release();
}

/**
 * graphql-upload-ts's processRequest, plus the cleanup it misses: it releases uploads' temp files
 * when the response closes, but only those whose file part had arrived by then. When the answer
 * comes early (no preflight header, a batch, a parse or validation error) the rest of the body is
 * often still on the wire, so a file part can arrive after the response closed; its temp file
 * and descriptor then stayed until the process exited. This releases such late files on arrival.
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
