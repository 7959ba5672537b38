/**
 * A stand-in for the service's `indexProducts` mutation, for testing the ingest command over
 * real HTTP: real GraphQL execution (graphql-js) of the schema the command is written against,
 * real multipart parsing (graphql-upload-ts's express middleware). It records what it received
 * and can be told to refuse ids, answer OVERLOADED a few times, or hold a request unanswered.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import express from 'express';
import { buildSchema, graphql } from 'graphql';
import { graphqlUploadExpress } from 'graphql-upload-ts';

const SCHEMA = buildSchema(`
  scalar Upload
  input PhotoInput { upload: Upload url: String }
  input ProductInput { id: ID! title: String! description: String category: String!
    price: Float! currency: String! tags: [String!] inStock: Boolean
    images: [Upload!] imageUrls: [String] photos: [PhotoInput!] }
  type ItemError { code: String! message: String! field: String }
  type Product { id: ID! }
  type IndexProductResult { index: Int! id: ID! product: Product error: ItemError }
  type Query { ok: Boolean }
  type Mutation { indexProducts(inputs: [ProductInput!]!): [IndexProductResult!]! }
`);

interface ReceivedPhoto {
  readonly url?: string;
  /** sha256 of the uploaded bytes. */
  readonly sha256?: string;
}

interface ReceivedProduct {
  readonly id: string;
  readonly input: Record<string, unknown>;
  readonly photos: readonly ReceivedPhoto[];
}

export interface StandInOptions {
  /** Ids answered with an item error BAD_USER_INPUT. */
  readonly refuse?: ReadonlySet<string>;
  /** The first N requests answer HTTP 503 with code OVERLOADED. */
  readonly overloadedRequests?: number;
  /** Ids answered with an item error OVERLOADED the first time they are seen. */
  readonly overloadedOnce?: ReadonlySet<string>;
  /** After this many answered calls, every further call is held and never answered. */
  readonly holdAfter?: number;
  readonly maxFiles?: number;
}

export interface StandInServer {
  readonly graphqlUrl: string;
  /** Products acknowledged (answered without error), in order. */
  readonly acknowledged: ReceivedProduct[];
  /** Every indexProducts call's input count. */
  readonly calls: number[];
  /** Resolves when the first call is held (see holdAfter). */
  readonly held: Promise<void>;
  close(): Promise<void>;
}

interface PhotoArg {
  readonly upload?: { promise: Promise<{ createReadStream(): Readable }> } | null;
  readonly url?: string | null;
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readPhotos(photos: readonly PhotoArg[]): Promise<ReceivedPhoto[] | string> {
  const out: ReceivedPhoto[] = [];
  for (const photo of photos) {
    const hasUpload = photo.upload !== undefined && photo.upload !== null;
    const hasUrl = typeof photo.url === 'string';
    if (hasUpload === hasUrl) return 'exactly one of upload and url';
    if (hasUrl) out.push({ url: photo.url as string });
    else {
      const file = await (photo.upload as NonNullable<PhotoArg['upload']>).promise;
      out.push({ sha256: await sha256Of(file.createReadStream()) });
    }
  }
  return out;
}

function withoutPhotos(input: Record<string, unknown>): Record<string, unknown> {
  const { photos: _photos, ...fields } = input;
  return fields;
}

export async function startStandIn(options: StandInOptions = {}): Promise<StandInServer> {
  const acknowledged: ReceivedProduct[] = [];
  const calls: number[] = [];
  const seen = new Set<string>();
  let overloaded = options.overloadedRequests ?? 0;
  let answered = 0;
  let onHeld!: () => void;
  const held = new Promise<void>((resolve) => (onHeld = resolve));

  const indexProducts = async ({ inputs }: { inputs: Array<Record<string, unknown>> }) => {
    calls.push(inputs.length);
    if (inputs.length > 100) throw new Error('at most 100 inputs');
    const results = await Promise.all(
      inputs.map(async (input, index) => {
        const id = String(input['id']);
        const photos = await readPhotos((input['photos'] as PhotoArg[] | undefined) ?? []);
        const error = (code: string, message: string) => ({
          index,
          id,
          product: null,
          error: { code, message, field: null },
        });
        if (typeof photos === 'string') return error('BAD_USER_INPUT', photos);
        if (options.refuse?.has(id)) return error('BAD_USER_INPUT', 'refused by the stand-in');
        if (options.overloadedOnce?.has(id) && !seen.has(id)) {
          seen.add(id);
          return error('OVERLOADED', 'busy');
        }
        return {
          index,
          id,
          product: { id },
          error: null,
          received: { id, input: withoutPhotos(input), photos },
        };
      }),
    );
    // Recorded in input order, whatever order the uploads were read in.
    for (const result of results) if (result.error === null) acknowledged.push(result.received);
    return results;
  };

  const app = express();
  app.post(
    '/graphql',
    (req, res, next) => {
      if (options.holdAfter !== undefined && answered >= options.holdAfter) {
        onHeld();
        return; // never answered
      }
      if (overloaded > 0) {
        overloaded -= 1;
        res.status(503).json({ errors: [{ message: 'busy', extensions: { code: 'OVERLOADED' } }] });
        return;
      }
      next();
    },
    graphqlUploadExpress({ maxFiles: options.maxFiles ?? 10 }),
    express.json({ limit: '10mb' }),
    async (req, res) => {
      const { query, variables } = req.body as {
        query: string;
        variables: Record<string, unknown>;
      };
      const result = await graphql({
        schema: SCHEMA,
        source: query,
        variableValues: variables,
        rootValue: { indexProducts },
      });
      answered += 1;
      const status = result.errors !== undefined && result.data === undefined ? 400 : 200;
      res.status(status).json(result);
    },
  );
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    graphqlUrl: `http://127.0.0.1:${port}/graphql`,
    acknowledged,
    calls,
    held,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
