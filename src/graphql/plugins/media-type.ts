/**
 * Which of the two GraphQL response media types a client prefers, decided the way Apollo's
 * own negotiation decides it: highest q, then the more specific range, then the earlier one in
 * the header; a full tie (one wildcard range covering both) goes to application/json, as in
 * Apollo. So setting the content type ourselves never surprises a client that Apollo would
 * have answered the other way.
 */
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
const JSON_TYPE = 'application/json';

interface Range {
  readonly type: string;
  readonly q: number;
  readonly order: number;
}

interface Match {
  readonly q: number;
  readonly specificity: number;
  readonly order: number;
}

function parseAccept(accept: string): Range[] {
  return accept.split(',').flatMap((part, order) => {
    const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (type === '') return [];
    const qParam = params.find((param) => param.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return [{ type, q: Number.isFinite(q) ? q : 0, order }];
  });
}

function specificity(range: string, mediaType: string): number {
  if (range === mediaType) return 2;
  if (range === `${mediaType.split('/')[0]}/*`) return 1;
  return range === '*/*' ? 0 : -1;
}

/** The most specific range that covers the media type (its q decides, even when 0). */
function bestMatch(ranges: readonly Range[], mediaType: string): Match | undefined {
  let best: Match | undefined;
  for (const range of ranges) {
    const s = specificity(range.type, mediaType);
    if (s < 0) continue;
    if (
      best === undefined ||
      s > best.specificity ||
      (s === best.specificity && range.q > best.q)
    ) {
      best = { q: range.q, specificity: s, order: range.order };
    }
  }
  return best;
}

/** True when `accept` prefers application/graphql-response+json over application/json. */
export function prefersGraphqlResponseJson(accept: string | undefined | null): boolean {
  if (accept === undefined || accept === null || accept.trim() === '') return false;
  const ranges = parseAccept(accept);
  const graphql = bestMatch(ranges, GRAPHQL_RESPONSE_JSON);
  if (graphql === undefined || graphql.q <= 0) return false;
  const json = bestMatch(ranges, JSON_TYPE);
  if (json === undefined || json.q <= 0) return true;
  if (graphql.q !== json.q) return graphql.q > json.q;
  if (graphql.specificity !== json.specificity) return graphql.specificity > json.specificity;
  return graphql.order < json.order;
}
