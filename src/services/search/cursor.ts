/**
 * The order a page was cut from, when not plain relevance: a sort, or the diversified ranking.
 * A cursor from one order is refused by a request in another (its position means nothing there).
 */
export type CursorOrder = 'PRICE_ASC' | 'PRICE_DESC' | 'NEWEST' | 'DIVERSE';

const ORDERS: readonly CursorOrder[] = ['PRICE_ASC', 'PRICE_DESC', 'NEWEST', 'DIVERSE'];

/** The last hit a page showed: keyset pagination resumes after it. */
export interface CursorKey {
  readonly score: number;
  readonly productId: string;
  /** The hit's sort value (price, or createdAt in epoch ms) in a sorted order. */
  readonly value?: number;
}

/** Where a page starts, and how deep the ranked lists were read for this query. */
export interface CursorPosition {
  readonly offset: number;
  readonly depth: number;
  /** The hit the cursor points at (cursors issued before keys existed have none). */
  readonly key?: CursorKey;
  /** Absent for relevance order (every c1 and c2 cursor). */
  readonly order?: CursorOrder;
}

const PREFIX = 'c2:';
const NUMBER = String.raw`(-?[\d.e+-]{1,32}|NaN|-?Infinity)`;
const C2 = new RegExp(String.raw`^c2:(\d{1,9}):(\d{1,9})(?::${NUMBER}:([\w-]{1,2000}))?$`);
const C3 = new RegExp(
  String.raw`^c3:(\d{1,9}):(\d{1,9}):([A-Z_]{1,16})(?::${NUMBER}:([\w-]{1,2000})(?::${NUMBER})?)?$`,
);

/**
 * Opaque to clients: base64url of a versioned offset/depth pair and the hit's (score, id); a
 * sorted or diversified page adds its order (c3) and, sorted, the hit's sort value. Numbers are
 * written as their shortest round-tripping decimal, so they decode to the same double. Relevance
 * cursors stay c2, byte for byte what they were.
 */
export function encodeCursor(position: CursorPosition): string {
  const { key, order } = position;
  const keyText =
    key === undefined
      ? ''
      : `:${String(key.score)}:${Buffer.from(key.productId, 'utf8').toString('base64url')}` +
        (order !== undefined && key.value !== undefined ? `:${String(key.value)}` : '');
  const head =
    order === undefined
      ? `${PREFIX}${position.offset}:${position.depth}`
      : `c3:${position.offset}:${position.depth}:${order}`;
  return Buffer.from(`${head}${keyText}`, 'utf8').toString('base64url');
}

/** The position in a cursor this server issued (this or an earlier version), or undefined. */
export function decodeCursor(cursor: string): CursorPosition | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const old = /^c1:(\d{1,9}):(\d{1,9})$/.exec(text);
  if (old !== null) return { offset: Number(old[1]), depth: Number(old[2]) };
  const c2 = C2.exec(text);
  if (c2 !== null) return withKey({ offset: Number(c2[1]), depth: Number(c2[2]) }, c2[3], c2[4]);
  const c3 = C3.exec(text);
  if (c3 === null) return undefined;
  const order = ORDERS.find((name) => name === c3[3]);
  if (order === undefined) return undefined;
  const position = withKey({ offset: Number(c3[1]), depth: Number(c3[2]), order }, c3[4], c3[5]);
  if (position?.key === undefined || c3[6] === undefined) return position;
  const value = Number(c3[6]);
  return Number.isFinite(value) ? { ...position, key: { ...position.key, value } } : undefined;
}

function withKey(
  position: CursorPosition,
  score: string | undefined,
  productId: string | undefined,
): CursorPosition | undefined {
  if (score === undefined || productId === undefined) return position;
  const value = Number(score);
  if (!Number.isFinite(value)) return undefined;
  return {
    ...position,
    key: { score: value, productId: Buffer.from(productId, 'base64url').toString('utf8') },
  };
}

/** True when `hit` comes after the cursor's key in relevance order (score desc, then id asc). */
function afterByRelevance(hit: CursorKey, key: CursorKey): boolean {
  return hit.score < key.score || (hit.score === key.score && hit.productId > key.productId);
}

/**
 * Where the next page starts in `hits` (ordered as `isAfter` says; relevance by default): just
 * after the cursor's hit, found by its key rather than its offset, so products added or removed
 * ahead of it between two pages neither repeat nor push items out. Without a key, the offset.
 */
export function keysetStart<H extends CursorKey>(
  hits: readonly H[],
  position: CursorPosition | undefined,
  isAfter: (hit: H, key: CursorKey) => boolean = afterByRelevance,
): number {
  if (position === undefined) return 0;
  const { key } = position;
  if (key === undefined) return position.offset;
  const after = hits.findIndex((hit) => isAfter(hit, key));
  return after === -1 ? hits.length : after;
}
