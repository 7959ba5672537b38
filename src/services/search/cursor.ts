/** Where a page starts, and how deep the ranked lists were read for this query. */
export interface CursorPosition {
  readonly offset: number;
  readonly depth: number;
}

const PREFIX = 'c1:';

/** Opaque to clients: base64url of a versioned offset/depth pair. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${PREFIX}${position.offset}:${position.depth}`, 'utf8').toString('base64url');
}

/** The position in a cursor this server issued, or undefined for anything else. */
export function decodeCursor(cursor: string): CursorPosition | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^c1:(\d{1,9}):(\d{1,9})$/.exec(text);
  if (!text.startsWith(PREFIX) || match === null) return undefined;
  return { offset: Number(match[1]), depth: Number(match[2]) };
}
