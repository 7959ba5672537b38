import type { Scope } from '../../ports/api-key-store.port';

export type { Scope } from '../../ports/api-key-store.port';

/** Every scope, in the order help texts list them. */
export const SCOPES: readonly Scope[] = Object.freeze([
  'search',
  'catalog:write',
  // recordInteractions only: what a storefront's key needs to report clicks.
  'interactions:write',
  'admin',
]);

function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** `admin` implies every other scope; the others imply only themselves. */
export function grants(granted: readonly Scope[], required: Scope): boolean {
  return granted.includes('admin') || granted.includes(required);
}

/**
 * A comma- or space-separated scope list (`search,catalog:write`), deduplicated in SCOPES
 * order. Throws a TypeError naming the bad entry and the valid ones.
 */
export function parseScopes(text: string): Scope[] {
  const entries = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (entries.length === 0) throw new TypeError(`no scopes given; use ${SCOPES.join(', ')}`);
  for (const entry of entries) {
    if (!isScope(entry)) {
      throw new TypeError(`unknown scope ${JSON.stringify(entry)}; use ${SCOPES.join(', ')}`);
    }
  }
  return SCOPES.filter((scope) => entries.includes(scope));
}
