import type { FusionOptions, SearchHit } from '../../domain/search';
import { fuse } from './fusion';
import type { RankedList } from './ranked-list';
import { normaliserFor } from './ranked-list';

/** What the page needs from a fused ranking, and how far the lists were read. */
export interface FusedWindow {
  /** How many lists items were asked for (every list of one round is read this deep). */
  readonly readDepth: number;
  /** The deepest a list is ever read: an item below it does not count (as before). */
  readonly depth: number;
  /** How many of the fused ranking's first items the page needs (already capped at `depth`). */
  readonly need: number;
  readonly minScore: number | undefined;
}

/**
 * Relative slack on the bound: a true score equal to the bound can round one ulp above it
 * (a different order of additions), and a strict comparison must never trust that.
 */
const BOUND_SLACK = 1e-9;

/**
 * The first `need` hits of the fusion of the FULL lists (each read `depth` deep), in order
 * and with bit-identical scores, when the prefixes read so far prove them; undefined when a
 * deeper read is needed. Fagin's threshold algorithm with sorted access only:
 *
 * - A list is complete when it returned fewer items than asked (nothing below) or was read
 *   `depth` deep (nothing below counts). Only an incomplete list can hide contributions.
 * - An item absent from an incomplete list's prefix may still sit below it: its unknown
 *   contribution is at most that of the next rank (RRF: w / (rrfK + read + 1); LINEAR: w times
 *   the normalised score of the last item read, since scores descend; BM25 normalises by the
 *   list's maximum, its first item, which every prefix already holds).
 * - An item is final when every incomplete list has it (its fused score is then the full
 *   fusion's, summed in the same order). The ceiling is the highest score any non-final item
 *   (seen or unseen) could still reach. Final items strictly above the ceiling are the top of
 *   the full fusion, in its order.
 * - Settled when `need` of them are proven, or when the ceiling is below `minScore` (every hit
 *   the page can keep is then proven).
 */
export function settleFused(
  lists: readonly RankedList[],
  window: FusedWindow,
  options: FusionOptions,
): SearchHit[] | undefined {
  const fused = fuse(lists, options);
  const complete = lists.map((list) => {
    const asked = list.asked ?? window.readDepth;
    return list.items.length < asked || asked >= window.depth;
  });
  if (complete.every(Boolean)) return fused;
  // One list keeps its native score and order: any prefix of it is final.
  if (lists.length === 1) return window.readDepth >= window.need ? fused : undefined;
  const totalWeight = lists.reduce((sum, list) => sum + options.weights[list.weightKey], 0) || 1;
  const divisor = options.mode === 'LINEAR' ? totalWeight : 1;
  const open: OpenList[] = [];
  lists.forEach((list, i) => {
    if (complete[i] === true) return;
    open.push({
      index: i,
      bound: unseenBound(list, options) / divisor,
      members: new Set(list.items.map((item) => item.productId)),
      offersImages: list.items.some((item) => item.imageId !== null),
    });
  });
  const images = imageSources(lists);
  let ceiling = open.reduce((sum, list) => sum + list.bound, 0);
  const finals: SearchHit[] = [];
  for (const hit of fused) {
    const missing = unresolved(hit.productId, open, images.get(hit.productId));
    if (missing === undefined) finals.push(hit);
    else ceiling = Math.max(ceiling, hit.score + missing);
  }
  const threshold = ceiling + Math.abs(ceiling) * BOUND_SLACK;
  const proven: SearchHit[] = [];
  for (const hit of finals) {
    if (hit.score <= threshold || proven.length === window.need) break;
    proven.push(hit);
  }
  const allKept = window.minScore !== undefined && threshold < window.minScore;
  return proven.length === window.need || allKept ? proven : undefined;
}

/** A list read only partly: what an item absent from its prefix may still get from it. */
interface OpenList {
  readonly index: number;
  readonly bound: number;
  readonly members: ReadonlySet<string>;
  readonly offersImages: boolean;
}

/** Per product, the index of the first list that gave it its shown image. */
function imageSources(lists: readonly RankedList[]): Map<string, number> {
  const sources = new Map<string, number>();
  lists.forEach((list, i) => {
    for (const item of list.items) {
      if (item.imageId !== null && !sources.has(item.productId)) sources.set(item.productId, i);
    }
  });
  return sources;
}

/**
 * undefined when the product's fused score and shown image are final; else the most its score
 * may still grow. The image is open while a list before the one that gave it (any list, when
 * none did) may hold the product below its prefix, even a list of weight 0.
 */
function unresolved(
  productId: string,
  open: readonly OpenList[],
  imageSource: number | undefined,
): number | undefined {
  let missing = 0;
  let imageOpen = false;
  for (const list of open) {
    if (list.members.has(productId)) continue;
    missing += list.bound;
    if (list.offersImages && (imageSource === undefined || list.index < imageSource)) {
      imageOpen = true;
    }
  }
  return missing === 0 && !imageOpen ? undefined : missing;
}

/** The most an item below the prefix of an incomplete list can add, before LINEAR's divisor. */
function unseenBound(list: RankedList, options: FusionOptions): number {
  const weight = options.weights[list.weightKey];
  if (options.mode === 'RRF') return weight / (options.rrfK + list.items.length + 1);
  const last = list.items.at(-1);
  return last === undefined ? 0 : weight * normaliserFor(list)(last.score);
}

/**
 * How deep each round reads, in order: a few pages' worth first, then the whole depth (which
 * always settles). A prefix settles when the lists agree at the top or are short (few keyword
 * matches, a selective filter); when they do not, growing step by step (x2, x4) measured slower
 * than one full read (bench/README.md, "GraphQL search"): unrelated lists rarely settle before
 * the end, so every extra round is paid for.
 */
export function readDepths(need: number, depth: number): number[] {
  const first = Math.min(depth, Math.max(FIRST_READ_FACTOR * need, FIRST_READ_FLOOR));
  return first < depth ? [first, depth] : [depth];
}

const FIRST_READ_FACTOR = 2;
const FIRST_READ_FLOOR = 20;
