import { errors } from '@elastic/elasticsearch';
import { translateEsError } from '../../../../src/adapters/elasticsearch/elasticsearch-errors';
import { DimensionMismatchError } from '../../../../src/errors/app-error';

function responseError(statusCode: number, type?: string): errors.ResponseError {
  return new errors.ResponseError({
    body: type === undefined ? {} : { error: { type, reason: 'why' }, status: statusCode },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

describe('translateEsError', () => {
  it('maps connection problems and timeouts to INDEX_UNAVAILABLE with a reason', () => {
    const cases: Array<[Error, string]> = [
      [new errors.ConnectionError('refused'), 'connection'],
      [new errors.TimeoutError('slow'), 'timeout'],
      [new errors.NoLivingConnectionsError('none', {} as never), 'no_living_connections'],
    ];
    for (const [error, reason] of cases) {
      const translated = translateEsError(error, 'search');
      expect([translated.code, translated.details.reason]).toEqual(['INDEX_UNAVAILABLE', reason]);
      expect(translated.cause).toBe(error);
    }
  });

  it('maps 404 to NOT_FOUND only where the missing thing is the subject', () => {
    const missing = responseError(404, 'index_not_found_exception');
    expect(translateEsError(missing, 'count').code).toBe('INDEX_UNAVAILABLE');
    expect(translateEsError(missing, 'get', { notFoundMeansMissing: true }).code).toBe('NOT_FOUND');
  });

  it('keeps the status and type in details and maps overload and refused documents', () => {
    const overloaded = translateEsError(
      responseError(429, 'es_rejected_execution_exception'),
      'bulk',
    );
    expect(overloaded.code).toBe('OVERLOADED');
    const refused = translateEsError(responseError(400, 'document_parsing_exception'), 'upsert');
    expect([refused.code, refused.details]).toEqual([
      'BAD_USER_INPUT',
      { operation: 'upsert', status: 400, type: 'document_parsing_exception' },
    ]);
    const broken = translateEsError(responseError(500), 'search');
    expect([broken.code, broken.details.status]).toEqual(['INDEX_UNAVAILABLE', 500]);
  });

  it('passes AppErrors through untouched', () => {
    const error = new DimensionMismatchError('dims');
    expect(translateEsError(error, 'open')).toBe(error);
  });
});
