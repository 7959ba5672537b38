/**
 * GraphQL multipart request bodies (https://github.com/jaydenseric/graphql-multipart-request-spec)
 * built by hand, byte for byte, so tests control exactly what goes over the wire.
 */
import { randomBytes } from 'node:crypto';

export interface FilePart {
  readonly bytes: Uint8Array;
  readonly filename: string;
  readonly contentType?: string;
}

export interface MultipartBody {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * `files` maps an object path in `operations` (e.g. `variables.image` or
 * `variables.input.images.1`) to the file sent for it; those paths are set to null in
 * `operations` as the spec requires.
 */
export function graphqlMultipart(
  operation: { query: string; variables?: Record<string, unknown>; operationName?: string },
  files: Readonly<Record<string, FilePart>>,
): MultipartBody {
  const boundary = `----test${randomBytes(12).toString('hex')}`;
  const operations = structuredClone({ ...operation, variables: operation.variables ?? {} });
  const map: Record<string, string[]> = {};
  const entries = Object.entries(files);
  entries.forEach(([path], i) => {
    setPath(operations as unknown as Record<string, unknown>, path, null);
    map[String(i)] = [path];
  });
  const parts: Buffer[] = [
    field(boundary, 'operations', JSON.stringify(operations)),
    field(boundary, 'map', JSON.stringify(map)),
    ...entries.map(([, file], i) => filePart(boundary, String(i), file)),
    Buffer.from(`--${boundary}--\r\n`),
  ];
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

function field(boundary: string, name: string, value: string): Buffer {
  return Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
}

function filePart(boundary: string, name: string, file: FilePart): Buffer {
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; ` +
    `filename="${file.filename}"\r\n` +
    `Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), Buffer.from(file.bytes), Buffer.from('\r\n')]);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  keys.slice(0, -1).forEach((key) => {
    const next = node[key];
    if (typeof next !== 'object' || next === null) {
      throw new TypeError(`graphqlMultipart: ${path} does not exist in operations`);
    }
    node = next as Record<string, unknown>;
  });
  node[keys.at(-1) as string] = value;
}
