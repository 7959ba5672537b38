/**
 * BM25 for the in-memory ProductIndex: per-field statistics (title weighted 2, description 1,
 * like both real backends), Lucene's IDF, k1 = 1.2, b = 0.75. Small and obvious rather than fast.
 */
const K1 = 1.2;
const B = 0.75;
const FIELD_WEIGHTS = { title: 2, description: 1 } as const;
type Field = keyof typeof FIELD_WEIGHTS;

export interface KeywordDocument {
  readonly id: string;
  readonly title: string;
  readonly description: string;
}

/** Lower-case words and numbers with diacritics folded away; punctuation is never syntax. */
function tokenize(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  return folded.match(/[\p{L}\p{N}]+/gu) ?? [];
}

function fieldScores(docs: readonly KeywordDocument[], field: Field, terms: Set<string>) {
  const tokens = docs.map((doc) => tokenize(doc[field]));
  const averageLength = tokens.reduce((sum, t) => sum + t.length, 0) / Math.max(1, docs.length);
  const scores = new Map<string, number>();
  for (const term of terms) {
    const containing = tokens.filter((t) => t.includes(term)).length;
    if (containing === 0) continue;
    const idf = Math.log(1 + (docs.length - containing + 0.5) / (containing + 0.5));
    docs.forEach((doc, i) => {
      const words = tokens[i] as string[];
      const tf = words.filter((word) => word === term).length;
      if (tf === 0) return;
      const norm = K1 * (1 - B + (B * words.length) / Math.max(averageLength, 1e-9));
      const score = (idf * (tf * (K1 + 1))) / (tf + norm);
      scores.set(doc.id, (scores.get(doc.id) ?? 0) + FIELD_WEIGHTS[field] * score);
    });
  }
  return scores;
}

/**
 * BM25 score per matching document id. Statistics come from every document given (the whole
 * index), so callers filter the result, not the input, as a pre-filter over an index would.
 */
export function bm25(docs: readonly KeywordDocument[], text: string): Map<string, number> {
  const terms = new Set(tokenize(text));
  const total = new Map<string, number>();
  for (const field of Object.keys(FIELD_WEIGHTS) as Field[]) {
    for (const [id, score] of fieldScores(docs, field, terms)) {
      total.set(id, (total.get(id) ?? 0) + score);
    }
  }
  return total;
}
