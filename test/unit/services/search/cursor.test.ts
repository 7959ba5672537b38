import { decodeCursor, encodeCursor } from '../../../../src/services/search/cursor';

const text = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

describe('search cursors', () => {
  it('keeps relevance cursors at version c2, exactly as before orders existed', () => {
    const cursor = encodeCursor({ offset: 3, depth: 200, key: { score: 0.5, productId: 'a' } });
    expect(text(cursor)).toBe('c2:3:200:0.5:YQ');
    expect(decodeCursor(cursor)).toEqual({
      offset: 3,
      depth: 200,
      key: { score: 0.5, productId: 'a' },
    });
  });

  it('round-trips a sorted cursor (c3) with its order and sort value', () => {
    const position = {
      offset: 7,
      depth: 200,
      order: 'PRICE_DESC' as const,
      key: { score: 0.1 + 0.2, productId: 'sku/é', value: 19.99 },
    };
    const cursor = encodeCursor(position);
    expect(text(cursor).startsWith('c3:7:200:PRICE_DESC:')).toBe(true);
    expect(decodeCursor(cursor)).toEqual(position);
    const diverse = encodeCursor({ offset: 4, depth: 50, order: 'DIVERSE' });
    expect(decodeCursor(diverse)).toEqual({ offset: 4, depth: 50, order: 'DIVERSE' });
  });

  it.each([
    'c3:1:200:CHEAPEST',
    'c3:1:200:PRICE_ASC:0.5:YQ:NaN',
    'c3:1:200:PRICE_ASC:Infinity:YQ:1',
    'c3:x:200:NEWEST',
  ])('refuses %s', (raw) => {
    expect(decodeCursor(Buffer.from(raw, 'utf8').toString('base64url'))).toBeUndefined();
  });
});
