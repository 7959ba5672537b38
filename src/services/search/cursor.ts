/** The last hit a page showed: keyset pagination resumes after it. */
interface CursorKey {
  readonly score: number;
  readonly productId: string;
}

/** Where a page starts, and how deep the ranked lists were read for this query. */
export interface CursorPosition {
  readonly offset: number;
  readonly depth: number;
  /** The hit the cursor points at (cursors issued before keys existed have none). */
  readonly key?: CursorKey;
}

const PREFIX = 'c2:';

/**
 * Opaque to clients: base64url of a versioned offset/depth pair and the hit's (score, id). The
 * score is written as its shortest round-tripping decimal, so it decodes to the same double.
 */
export function encodeCursor(position: CursorPosition): string {
  const key =
    position.key === undefined
      ? ''
      : `:${String(position.key.score)}:${Buffer.from(position.key.productId, 'utf8').toString('base64url')}`;
  return Buffer.from(`${PREFIX}${position.offset}:${position.depth}${key}`, 'utf8').toString(
    'base64url',
  );
}

/** The position in a cursor this server issued (this or the previous version), or undefined. */
export function decodeCursor(cursor: string): CursorPosition | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const old = /^c1:(\d{1,9}):(\d{1,9})$/.exec(text);
  if (old !== null) return { offset: Number(old[1]), depth: Number(old[2]) };
  const match =
    /^c2:(\d{1,9}):(\d{1,9})(?::(-?[\d.e+-]{1,32}|NaN|-?Infinity):([\w-]{1,2000}))?$/.exec(text);
  if (match === null) return undefined;
  const position = { offset: Number(match[1]), depth: Number(match[2]) };
  if (match[3] === undefined || match[4] === undefined) return position;
  const score = Number(match[3]);
  if (!Number.isFinite(score)) return undefined;
  return {
    ...position,
    key: { score, productId: Buffer.from(match[4], 'base64url').toString('utf8') },
  };
}

/**
 * Where the next page starts in `hits` (score descending, then productId ascending): just after
 * the cursor's hit, found by its (score, id) rather than its offset, so products added or removed
 * ahead of it between two pages neither repeat nor push items out. Without a key, the offset.
 */
export function keysetStart(
  hits: ReadonlyArray<{ readonly score: number; readonly productId: string }>,
  position: CursorPosition | undefined,
): number {
  if (position === undefined) return 0;
  const { key } = position;
  if (key === undefined) return position.offset;
  const after = hits.findIndex(
    (hit) => hit.score < key.score || (hit.score === key.score && hit.productId > key.productId),
  );
  return after === -1 ? hits.length : after;
}
