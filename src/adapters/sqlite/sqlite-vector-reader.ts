/**
 * A read worker's side of the in-memory vector index (sqlite-vector-store.ts): the int8 scan
 * over the shared memory with the SIMD kernel, and the exact re-score of its best rows from
 * the float32 vectors in SQLite (sqlite-exact-vectors.ts).
 *
 * The scan scores a block of up to BLOCK slots per kernel call: consecutive slots when there
 * is no filter (dead rows are scored and skipped after, cheaper than a list), else the slots of
 * the rows that pass the filter, listed first (pre-filtered: a filtered page is never short).
 * A search can scan all rows and re-score (`search`), or a range of rows only (`scan`), the
 * caller merging the ranges of several workers and sending the best rows to one `rescore`.
 */
import { cosine } from 'simsimd';
import { Int8Kernel } from './simd/int8-kernel';
import type { ExactImage, ExactVectors } from './sqlite-exact-vectors';
import { TopRows, topEntries } from './sqlite-top-rows';
import type { VectorStoreBuffers } from './sqlite-vector-layout';
import { BLOCK, quantize, ROWS, VectorMemoryLayout, VERSION, Views } from './sqlite-vector-layout';

/** A filter with its strings replaced by the store's numbers; built by VectorStore.compile. */
export interface CompiledFilter {
  readonly category?: number;
  readonly minPrice?: number;
  readonly maxPrice?: number;
  readonly inStock?: 0 | 1;
  readonly tags?: readonly number[];
}

export interface StoreQuery {
  readonly vector: Float32Array;
  readonly filter: CompiledFilter;
  /** How many products to re-score exactly after the int8 scan. */
  readonly candidates: number;
}

/** One part of a split search: rows [from, to) of the buffers the worker holds. */
export interface ScanQuery extends StoreQuery {
  readonly from: number;
  readonly to: number;
}

/** A scan's best rows (at most `candidates`) and their int8 scores, in no order. */
export interface ScanHits {
  readonly rows: Int32Array;
  readonly scores: Float64Array;
}

/** The rows to re-score, each with its products.pk (the row's, when the search was sent). */
export interface RescoreQuery {
  readonly vector: Float32Array;
  readonly rows: Int32Array;
  readonly pks: Float64Array;
}

/**
 * A worker's answer, best first: the rows it scanned, and for each what SQLite held at the
 * re-score: the product id under the row's pk, its best image and that image's exact cosine.
 * The main thread keeps a hit only when that product id is the row's own (see rescore).
 */
export interface StoreHits {
  readonly rows: Int32Array;
  readonly productIds: readonly string[];
  readonly imageIds: readonly string[];
  readonly similarities: Float64Array;
}

const hasNoFilter = (filter: CompiledFilter) =>
  filter.category === undefined &&
  filter.minPrice === undefined &&
  filter.maxPrice === undefined &&
  filter.inStock === undefined &&
  filter.tags === undefined;

/** A worker's side: scans the shared buffers, re-scores from `exact` (SQLite). */
export class VectorStoreReader {
  private views!: Views;
  private kernel!: Int8Kernel;
  private readonly layout: VectorMemoryLayout;
  private readonly lane: { readonly query: number; readonly list: number; readonly out: number };
  private queryBytes!: Int8Array;
  private list!: Int32Array;
  private out!: Int32Array;
  /** The row of each entry of `list` (filtered scans). */
  private readonly listRows = new Int32Array(BLOCK);
  /** An aligned copy of one float32 vector read from SQLite. */
  private readonly original: Float32Array;

  /**
   * `lane` is this reader's scratch space in the shared memory: readers that may scan at the
   * same time (on different threads) need different lanes.
   */
  constructor(
    buffers: VectorStoreBuffers,
    private readonly exact: ExactVectors,
    lane = 0,
  ) {
    this.layout = new VectorMemoryLayout(buffers.dims);
    this.lane = this.layout.lane(lane);
    this.original = new Float32Array(buffers.dims);
    this.adopt(buffers);
  }

  /** Switches to grown or compacted buffers (sent by the main thread before any later search). */
  adopt(buffers: VectorStoreBuffers): void {
    this.views = new Views(buffers);
    this.kernel = new Int8Kernel(buffers.vectors);
    const memory = buffers.vectors.buffer;
    this.queryBytes = new Int8Array(memory, this.lane.query, this.layout.stride);
    this.list = new Int32Array(memory, this.lane.list, BLOCK);
    this.out = new Int32Array(memory, this.lane.out, BLOCK);
  }

  /** Scans every row and re-scores the best `candidates`. */
  search(query: StoreQuery): StoreHits {
    const top = this.scanRows(query, 0, Infinity);
    const { rows } = topEntries(top);
    const pks = Float64Array.from(rows, (row) => this.views.pk[row]!);
    return this.rescore({ vector: query.vector, rows, pks });
  }

  /** Scans rows [from, to) only (those published when it starts); no re-score. */
  scan(query: ScanQuery): ScanHits {
    return topEntries(this.scanRows(query, query.from, query.to));
  }

  private scanRows(query: StoreQuery, from: number, to: number): TopRows {
    const v = this.views;
    const { vector, filter, candidates } = query;
    if (vector.length !== this.layout.dims) {
      throw new TypeError(`the query has ${vector.length} dims, the index ${this.layout.dims}`);
    }
    Atomics.load(v.control, VERSION);
    // The control array outlives a growth: a search that started on the old buffers before
    // their replacement arrived reads no further than they reach (rows past that are newer).
    const end = Math.min(to, Atomics.load(v.control, ROWS), v.buffers.rowCapacity);
    this.queryBytes.fill(0);
    quantize(vector, this.queryBytes, 0);
    const top = new TopRows(Math.max(1, candidates));
    if (hasNoFilter(filter)) this.scanAll(from, end, top);
    else this.scanFiltered(filter, from, end, top);
    return top;
  }

  /** Scores every slot of rows [from, end) in runs of consecutive slots; keeps live rows. */
  private scanAll(from: number, end: number, top: TopRows): void {
    const { slotStart, slotCount, alive, scale } = this.views;
    const { data, stride } = this.layout;
    const out = this.out;
    let floor = top.floor;
    let row = from;
    while (row < end) {
      const first = slotStart[row]!;
      let last = row;
      let slotsEnd = first;
      while (last < end) {
        const next = slotStart[last]! + slotCount[last]!;
        if (next - first > BLOCK) break;
        slotsEnd = next;
        last++;
      }
      if (last === row) {
        // One product with more images than a block.
        if (alive[row] !== 0) floor = this.pushLongRow(row, top);
        row++;
        continue;
      }
      if (slotsEnd > first) {
        this.kernel.range(
          this.lane.query,
          data + first * stride,
          stride,
          slotsEnd - first,
          this.lane.out,
        );
      }
      for (let r = row; r < last; r++) {
        const count = slotCount[r]!;
        if (count === 0 || alive[r] === 0) continue;
        const at = slotStart[r]! - first;
        let best = out[at]! * scale[first + at]!;
        for (let j = 1; j < count; j++) {
          const score = out[at + j]! * scale[first + at + j]!;
          if (score > best) best = score;
        }
        if (best > floor) {
          top.push(best, r);
          floor = top.floor;
        }
      }
      row = last;
    }
  }

  /** Lists the slots of the rows in [from, end) that pass `filter`, and scores them by blocks. */
  private scanFiltered(filter: CompiledFilter, from: number, end: number, top: TopRows): void {
    const { alive, slotStart, slotCount, category, price, inStock } = this.views;
    const wantCategory = filter.category;
    const minPrice = filter.minPrice ?? -Infinity;
    const maxPrice = filter.maxPrice ?? Infinity;
    const wantInStock = filter.inStock;
    const wantTags = filter.tags;
    const { list, listRows } = this;
    let listed = 0;
    for (let row = from; row < end; row++) {
      if (alive[row] === 0) continue;
      if (wantCategory !== undefined && category[row] !== wantCategory) continue;
      const p = price[row]!;
      if (p < minPrice || p > maxPrice) continue;
      if (wantInStock !== undefined && inStock[row] !== wantInStock) continue;
      if (wantTags !== undefined && !this.hasTags(row, wantTags)) continue;
      const count = slotCount[row]!;
      if (count === 0) continue;
      if (count > BLOCK) {
        this.pushListed(listed, top);
        listed = 0;
        this.pushLongRow(row, top);
        continue;
      }
      if (listed + count > BLOCK) {
        this.pushListed(listed, top);
        listed = 0;
      }
      const start = slotStart[row]!;
      for (let j = 0; j < count; j++) {
        list[listed] = start + j;
        listRows[listed++] = row;
      }
    }
    this.pushListed(listed, top);
  }

  /** Scores the first `listed` slots of the lane's list; offers each row its best. */
  private pushListed(listed: number, top: TopRows): void {
    if (listed === 0) return;
    const { list, listRows, out } = this;
    const scale = this.views.scale;
    const { data, stride } = this.layout;
    this.kernel.list(this.lane.query, data, stride, this.lane.list, listed, this.lane.out);
    let floor = top.floor;
    let i = 0;
    while (i < listed) {
      const row = listRows[i]!;
      let best = out[i]! * scale[list[i]!]!;
      for (i++; i < listed && listRows[i] === row; i++) {
        const score = out[i]! * scale[list[i]!]!;
        if (score > best) best = score;
      }
      if (best > floor) {
        top.push(best, row);
        floor = top.floor;
      }
    }
  }

  /** Offers a row with more slots than a block, scored a block at a time; returns the floor. */
  private pushLongRow(row: number, top: TopRows): number {
    const { slotStart, slotCount, scale } = this.views;
    const { data, stride } = this.layout;
    const out = this.out;
    const start = slotStart[row]!;
    const end = start + slotCount[row]!;
    let best = -Infinity;
    for (let first = start; first < end; first += BLOCK) {
      const count = Math.min(BLOCK, end - first);
      this.kernel.range(this.lane.query, data + first * stride, stride, count, this.lane.out);
      for (let j = 0; j < count; j++) best = Math.max(best, out[j]! * scale[first + j]!);
    }
    if (best > top.floor) top.push(best, row);
    return top.floor;
  }

  /**
   * Exact cosine for every image of the candidate rows, read from SQLite in one statement (one
   * snapshot); the lowest position wins among equals. The float32 vectors in SQLite are the
   * ones the int8 copy was made from, so the similarities are bit-identical to a re-score from
   * an in-memory float32 copy.
   *
   * A write racing the search. SQLite commits before the store changes, so every row the scan
   * saw has its vectors committed; what the re-score reads is the product's state when it runs:
   * - re-indexed since the scan (same id, same pk): scored on its current photos, and the
   *   matched image id is a current one, read from SQLite with the vector; its place on the
   *   page follows that score (the int8 pass chose the candidates on the older vectors);
   * - deleted since the scan: SQLite has no images under its pk, so it is dropped;
   * - deleted and its pk reused by a new product: SQLite names another product, which the
   *   main thread drops (StoreHits.productIds is not the row's id);
   * - re-indexed with no photos: dropped, as it has nothing to match.
   * So a search concurrent with a write returns each product as it was scanned or as it now is,
   * never a product or image that did not exist, and a search sent after the write resolved
   * sees only the new state (the scan already does).
   */
  rescore({ vector, rows, pks }: RescoreQuery): StoreHits {
    const dims = this.layout.dims;
    const rowOfPk = new Map<number, number>();
    rows.forEach((row, i) => {
      const pk = pks[i]!;
      if (!rowOfPk.has(pk)) rowOfPk.set(pk, row);
    });
    const best = new Map<number, { image: ExactImage; similarity: number }>();
    const original = this.original;
    const bytes = new Uint8Array(original.buffer);
    for (const image of this.exact.imagesOf([...rowOfPk.keys()])) {
      if (image.vector.byteLength !== dims * 4) continue;
      // A copy: the blob may be misaligned for a Float32Array view.
      bytes.set(image.vector);
      const similarity = 1 - cosine(vector, original);
      const seen = best.get(image.pk);
      if (seen === undefined || similarity > seen.similarity) {
        best.set(image.pk, { image, similarity });
      }
    }
    const hits = [...best.values()].sort((a, b) => b.similarity - a.similarity);
    return {
      rows: Int32Array.from(hits, (hit) => rowOfPk.get(hit.image.pk)!),
      productIds: hits.map((hit) => hit.image.productId),
      imageIds: hits.map((hit) => hit.image.imageId),
      similarities: Float64Array.from(hits, (hit) => Math.min(1, Math.max(-1, hit.similarity))),
    };
  }

  private hasTags(row: number, wanted: readonly number[]): boolean {
    const { tags, tagStart, tagCount } = this.views;
    const start = tagStart[row]!;
    const end = start + tagCount[row]!;
    for (const tag of wanted) {
      let found = false;
      for (let i = start; i < end; i++) {
        if (tags[i] === tag) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }
}
