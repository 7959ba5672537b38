/**
 * Word characters as FTS5's unicode61 tokenizer sees them: letters, digits and combining
 * marks (which remove_diacritics then folds). Everything else is a separator, which is also
 * what makes FTS5 syntax in user text (quotes, parentheses, `*`, `-`, `:`, `^`) inert.
 */
const TERM = /[\p{L}\p{N}\p{M}]+/gu;

/** Most terms a query keeps; long pasted text should not turn into a huge OR. */
export const MAX_QUERY_TERMS = 32;

/**
 * Turns free user text into a safe FTS5 query: each distinct term double-quoted (so `NEAR`,
 * `AND`, `OR`, `NOT` are plain words) and OR-ed, letting BM25 rank partial matches.
 * Returns null when the text holds no terms.
 */
export function toFtsQuery(text: string): string | null {
  const terms = new Set<string>();
  for (const match of text.normalize('NFC').toLowerCase().matchAll(TERM)) {
    terms.add(match[0]);
    if (terms.size === MAX_QUERY_TERMS) break;
  }
  if (terms.size === 0) return null;
  // Terms hold no `"` by construction; doubling would be the escape if they ever did.
  return [...terms].map((term) => `"${term.replaceAll('"', '""')}"`).join(' OR ');
}
