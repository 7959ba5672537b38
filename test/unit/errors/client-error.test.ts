import { GraphQLError } from 'graphql';
import { FileTooLargeError, InvalidJSONError, StreamError } from 'graphql-upload-ts';
import {
  IndexUnavailableError,
  ModelMismatchError,
  NotFoundError,
  OverloadedError,
} from '../../../src/errors/app-error';
import { toClientError } from '../../../src/errors/client-error';

const prod = { includeStack: false };
const dev = { includeStack: true };

/** The shape of the http-errors objects body-parser and busboy reject with. */
function createHttpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: status < 500 });
}

describe('toClientError', () => {
  it('gives an AppError its code, details and the status of its code', () => {
    expect(toClientError(new NotFoundError('gone', { id: 'p1' }), prod)).toEqual({
      code: 'NOT_FOUND',
      message: 'gone',
      details: { id: 'p1' },
      status: 404,
    });
  });

  it('adds Retry-After seconds to 503 codes', () => {
    const overloaded = toClientError(new OverloadedError('queue full'), prod);
    expect([overloaded.status, overloaded.retryAfterSeconds]).toEqual([503, 1]);
    const index = toClientError(new IndexUnavailableError('down'), prod);
    expect(index.status).toBe(503);
    expect(index.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('unwraps the original error of a GraphQLError, located or not', () => {
    const located = new GraphQLError('x', {
      path: ['a'],
      originalError: new ModelMismatchError('other model'),
    });
    expect(toClientError(located, prod).code).toBe('MODEL_MISMATCH');
    // Apollo wraps a failing context or plugin without a path.
    const wrapped = new GraphQLError('Context creation failed: busy', {
      originalError: new OverloadedError('busy'),
    });
    expect(toClientError(wrapped, prod).code).toBe('OVERLOADED');
  });

  it("keeps Apollo's own codes and messages, hides foreign GraphQLError codes", () => {
    const parse = new GraphQLError('Syntax Error: Unexpected <EOF>.', {
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      originalError: new GraphQLError('Syntax Error: Unexpected <EOF>.'),
    });
    expect(toClientError(parse, prod)).toMatchObject({
      code: 'GRAPHQL_PARSE_FAILED',
      message: parse.message,
      status: 400,
    });
    const vendor = new GraphQLError('shard 3 failed', { extensions: { code: 'ES_SHARD_FAILURE' } });
    expect(toClientError(vendor, prod)).toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      status: 500,
    });
    expect(toClientError(vendor, prod).message).not.toContain('shard');
  });

  it("maps the Upload scalar's refusals to BAD_USER_INPUT", () => {
    const scalar = new GraphQLError('Upload value invalid. Expected Upload instance.', {
      extensions: { code: 'INVALID_UPLOAD_VALUE' },
    });
    const coercion = new GraphQLError('Variable "$image" got invalid value', {
      originalError: scalar,
    });
    expect(toClientError(coercion, prod).code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['graphql-upload-ts FileTooLargeError', new FileTooLargeError(10), 'PAYLOAD_TOO_LARGE', 413],
    ['graphql-upload-ts InvalidJSONError', new InvalidJSONError('map'), 'BAD_USER_INPUT', 400],
    ['graphql-upload-ts StreamError (500)', new StreamError('disk'), 'INTERNAL_SERVER_ERROR', 500],
    ['body-parser bad JSON', createHttpError(400, 'Unexpected end'), 'BAD_USER_INPUT', 400],
    ['body-parser too large', createHttpError(413, 'too large'), 'PAYLOAD_TOO_LARGE', 413],
    ['body-parser bad charset', createHttpError(415, 'charset'), 'UNSUPPORTED_MEDIA_TYPE', 415],
    ['a 500 http-error', createHttpError(500, 'db down'), 'INTERNAL_SERVER_ERROR', 500],
  ])('translates %s', (_name, error, code, status) => {
    expect(toClientError(error, prod)).toMatchObject({ code, status });
  });

  it('hides unknown errors and their messages', () => {
    const client = toClientError(new Error('password=hunter2 at db.internal'), prod);
    expect(client).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      message: 'Internal server error',
      status: 500,
    });
  });

  it('shows the original stack only when asked', () => {
    const error = new GraphQLError('x', { path: ['a'], originalError: new NotFoundError('gone') });
    expect(toClientError(error, prod).stacktrace).toBeUndefined();
    expect(toClientError(error, dev).stacktrace?.[0]).toContain('NotFoundError');
  });

  it('never throws, whatever it is given', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        getPrototypeOf() {
          throw new Error('boom');
        },
      },
    );
    const cyclic = new GraphQLError('a');
    Object.assign(cyclic, { originalError: cyclic });
    for (const value of [undefined, null, 42, 'text', hostile, cyclic]) {
      expect(toClientError(value, dev).code).toBe('INTERNAL_SERVER_ERROR');
    }
  });
});
