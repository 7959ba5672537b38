import { GraphQLError } from 'graphql';
import { FileTooLargeError, InvalidJSONError, TooManyFilesError } from 'graphql-upload-ts';
import {
  BadUserInputError,
  NotFoundError,
  PayloadTooLargeError,
} from '../../../src/errors/app-error';
import { createFormatError } from '../../../src/graphql/format-error';

/** The shape of the http-errors objects graphql-upload-ts's multipart parser rejects with. */
function createHttpError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: status < 500 });
}

const prod = createFormatError({ includeStacktrace: false });
const dev = createFormatError({ includeStacktrace: true });

/** How Apollo hands a resolver error to formatError: a located GraphQLError wrapping it. */
function asResolverError(original: Error): GraphQLError {
  return new GraphQLError(original.message, { path: ['x'], originalError: original });
}

function formatted(error: GraphQLError) {
  return {
    message: error.message,
    path: error.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

describe('formatError', () => {
  it('maps an AppError to its code and details, without a stack outside development', () => {
    const error = asResolverError(new NotFoundError('gone', { id: 'p1' }));
    const out = prod(formatted(error), error);
    expect(out.extensions).toEqual({ code: 'NOT_FOUND', details: { id: 'p1' } });
    expect(out.path).toEqual(['x']);
  });

  it('adds the stack of the original error in development', () => {
    const error = asResolverError(new BadUserInputError('bad'));
    const out = dev(formatted(error), error);
    expect(out.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Array.isArray(out.extensions?.stacktrace)).toBe(true);
    expect(String((out.extensions?.stacktrace as string[])[0])).toContain('BadUserInputError');
  });

  it('hides unknown errors behind a generic INTERNAL_SERVER_ERROR', () => {
    const error = asResolverError(new Error('password=hunter2 at db.internal'));
    const out = prod(formatted(error), error);
    expect(out.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(out.message).not.toContain('hunter2');
  });

  it('hides resolver-thrown GraphQLErrors with codes Apollo does not own', () => {
    const inner = new GraphQLError('vendor detail', { extensions: { code: 'ES_SHARD_FAILURE' } });
    const out = prod({ message: inner.message, extensions: { code: 'ES_SHARD_FAILURE' } }, inner);
    expect(out.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it("keeps Apollo's validation codes and messages", () => {
    const error = new GraphQLError('Cannot query field "nope" on type "Query".', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const out = prod({ message: error.message, extensions: error.extensions }, error);
    expect(out).toEqual({
      message: error.message,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it.each([
    ['graphql-upload-ts FileTooLargeError', new FileTooLargeError(10), 'PAYLOAD_TOO_LARGE'],
    ['graphql-upload-ts TooManyFilesError', new TooManyFilesError(2), 'PAYLOAD_TOO_LARGE'],
    ['graphql-upload-ts InvalidJSONError', new InvalidJSONError('map'), 'BAD_USER_INPUT'],
    [
      'http-errors 413 from the multipart parser',
      createHttpError(413, 'truncated'),
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'http-errors 400 from the multipart parser',
      createHttpError(400, 'bad map'),
      'BAD_USER_INPUT',
    ],
    ['our own PayloadTooLargeError', new PayloadTooLargeError('big'), 'PAYLOAD_TOO_LARGE'],
  ])('translates %s', (_name, original, code) => {
    const error = asResolverError(original);
    expect(prod(formatted(error), error).extensions?.code).toBe(code);
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
    for (const value of [undefined, null, 42, 'text', hostile]) {
      const out = prod({ message: 'x' }, value);
      expect(out.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    }
  });
});
