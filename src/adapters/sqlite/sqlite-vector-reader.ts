/**
 * A read worker's side of the in-memory vector index (sqlite-vector-store.ts): the int8 scan
 * over the shared memory with the SIMD kernel, and the exact re-score of its best rows from
 * the float32 vectors in SQLite (sqlite-exact-vectors.ts).
 *
 * The scan runs two passes. The first scores every row on its 4-bit codes (half the bytes of
 * int8: the scan streams through memory, so bytes are time) and keeps firstPassRows of them;
 * the second scores their int8 codes and keeps the best `candidates`. The first pass scores a
 * block of up to BLOCK slots per kernel call: consecutive slots when there is no filter (dead
 * rows are scored and skipped after, cheaper than a list), else the slots of the rows that
 * pass the filter, listed first (pre-filtered: a filtered page is never short).
 * A search can scan all rows and re-score (`search`), or a range of rows only (`scan`), the
 * caller merging the ranges of several workers and sending the best rows to one `rescore`.
 */
import { cosine } from 'simsimd';
import { Int8Kernel } from './simd/int8-kernel';
import type { ExactImage, ExactVectors } from './sqlite-exact-vectors';
import { TopRows, topEntries } from './sqlite-top-rows';
import type { VectorStoreBuffers } from './sqlite-vector-layout';
import type { MemoryLayout } from './sqlite-vector-layout';
import {
  BLOCK,
  int8Layout,
  nibbleLayout,
  quantize,
  ROWS,
  VERSION,
  Views,
} from './sqlite-vector-layout';

type Lane = { readonly query: number; readonly list: number; readonly out: number };

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

/**
 * Rows the 4-bit first pass keeps for the int8 pass, for `candidates` int8 ones. The 4-bit
 * order of the exact top k strays further than the int8 one: in a simulation on 100k uniform
 * 512-dim vectors the worst 4-bit rank of an exact top-10 product was 47 (top 50: 216, top 200:
 * 891), so keeping 4 * (2k + 64) + 256 leaves more than twice that margin.
 */
const firstPassRows = (candidates: number) => 4 * candidates + 256;

/** A worker's side: scans the shared buffers, re-scores from `exact` (SQLite). */
export class VectorStoreReader {
  private views!: Views;
  private kernel8!: Int8Kernel;
  private kernel4!: Int8Kernel;
  private readonly layout8: MemoryLayout;
  private readonly layout4: MemoryLayout;
  private readonly lane8: Lane;
  private readonly lane4: Lane;
  private query8!: Int8Array;
  private query16!: Int16Array;
  private list8!: Int32Array;
  private out8!: Int32Array;
  private list4!: Int32Array;
  private out4!: Int32Array;
  /** 8 * sum(query): what the 4-bit kernel's sums hold beyond the dot. */
  private nibbleOffset = 0;
  /** The row (first pass) or candidate (int8 pass) of each entry of a list. */
  private readonly listOwners = new Int32Array(BLOCK);
  /** An aligned copy of one float32 vector read from SQLite. */
  private readonly original: Float32Array;

  /**
   * `lane` is this reader's scratch space in the shared memories: readers that may scan at the
   * same time (on different threads) need different lanes.
   */
  constructor(
    buffers: VectorStoreBuffers,
    private readonly exact: ExactVectors,
    lane = 0,
  ) {
    this.layout8 = int8Layout(buffers.dims);
    this.layout4 = nibbleLayout(buffers.dims);
    this.lane8 = this.layout8.lane(lane);
    this.lane4 = this.layout4.lane(lane);
    this.original = new Float32Array(buffers.dims);
    this.adopt(buffers);
  }

  /** Switches to grown or compacted buffers (sent by the main thread before any later search). */
  adopt(buffers: VectorStoreBuffers): void {
    this.views = new Views(buffers);
    this.kernel8 = new Int8Kernel(buffers.vectors);
    this.kernel4 = new Int8Kernel(buffers.codes);
    const memory8 = buffers.vectors.buffer;
    const memory4 = buffers.codes.buffer;
    this.query8 = new Int8Array(memory8, this.lane8.query, this.layout8.queryBytes);
    this.list8 = new Int32Array(memory8, this.lane8.list, BLOCK);
    this.out8 = new Int32Array(memory8, this.lane8.out, BLOCK);
    this.query16 = new Int16Array(memory4, this.lane4.query, this.layout4.queryBytes / 2);
    this.list4 = new Int32Array(memory4, this.lane4.list, BLOCK);
    this.out4 = new Int32Array(memory4, this.lane4.out, BLOCK);
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

  /** The 4-bit pass over the rows, then the int8 pass over the rows it kept. */
  private scanRows(query: StoreQuery, from: number, to: number): TopRows {
    const v = this.views;
    const { vector, filter, candidates } = query;
    if (vector.length !== this.layout8.dims) {
      throw new TypeError(`the query has ${vector.length} dims, the index ${this.layout8.dims}`);
    }
    Atomics.load(v.control, VERSION);
    // The control array outlives a growth: a search that started on the old buffers before
    // their replacement arrived reads no further than they reach (rows past that are newer).
    const end = Math.min(to, Atomics.load(v.control, ROWS), v.buffers.rowCapacity);
    this.setQuery(vector);
    const first = new TopRows(firstPassRows(Math.max(1, candidates)));
    if (hasNoFilter(filter)) this.scanAll(from, end, first);
    else this.scanFiltered(filter, from, end, first);
    return this.refine(first, Math.max(1, candidates));
  }

  /** The query, quantized, in both lanes: int8 and its i16 copy. */
  private setQuery(vector: Float32Array): void {
    const { query8, query16 } = this;
    query8.fill(0);
    quantize(vector, query8, 0);
    query16.fill(0);
    let sum = 0;
    for (let i = 0; i < vector.length; i++) {
      query16[i] = query8[i]!;
      sum += query8[i]!;
    }
    this.nibbleOffset = 8 * sum;
  }

  /** 4-bit scores of every slot of rows [from, end), in runs of consecutive slots. */
  private scanAll(from: number, end: number, top: TopRows): void {
    const { slotStart, slotCount, alive, scale4 } = this.views;
    const { data, rowBytes } = this.layout4;
    const { out4: out, nibbleOffset: offset } = this;
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
      const rows = data + first * rowBytes;
      this.kernel4.range4(this.lane4.query, rows, rowBytes, slotsEnd - first, this.lane4.out);
      for (let r = row; r < last; r++) {
        const count = slotCount[r]!;
        if (count === 0 || alive[r] === 0) continue;
        const at = slotStart[r]! - first;
        let best = (out[at]! - offset) * scale4[first + at]!;
        for (let j = 1; j < count; j++) {
          const score = (out[at + j]! - offset) * scale4[first + at + j]!;
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
    const { list4: list, listOwners } = this;
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
        listOwners[listed++] = row;
      }
    }
    this.pushListed(listed, top);
  }

  /** 4-bit scores of the first `listed` slots of the lane's list; offers each row its best. */
  private pushListed(listed: number, top: TopRows): void {
    if (listed === 0) return;
    const { list4: list, listOwners, out4: out, nibbleOffset: offset } = this;
    const scale4 = this.views.scale4;
    const { data, rowBytes } = this.layout4;
    this.kernel4.list4(this.lane4.query, data, rowBytes, this.lane4.list, listed, this.lane4.out);
    let floor = top.floor;
    let i = 0;
    while (i < listed) {
      const row = listOwners[i]!;
      let best = (out[i]! - offset) * scale4[list[i]!]!;
      for (i++; i < listed && listOwners[i] === row; i++) {
        const score = (out[i]! - offset) * scale4[list[i]!]!;
        if (score > best) best = score;
      }
      if (best > floor) {
        top.push(best, row);
        floor = top.floor;
      }
    }
  }

  /** Offers a row with more slots than a block, 4-bit scored a block at a time; returns the floor. */
  private pushLongRow(row: number, top: TopRows): number {
    const { slotStart, slotCount, scale4 } = this.views;
    const { data, rowBytes } = this.layout4;
    const { out4: out, nibbleOffset: offset } = this;
    const start = slotStart[row]!;
    const end = start + slotCount[row]!;
    let best = -Infinity;
    for (let first = start; first < end; first += BLOCK) {
      const count = Math.min(BLOCK, end - first);
      this.kernel4.range4(
        this.lane4.query,
        data + first * rowBytes,
        rowBytes,
        count,
        this.lane4.out,
      );
      for (let j = 0; j < count; j++)
        best = Math.max(best, (out[j]! - offset) * scale4[first + j]!);
    }
    if (best > top.floor) top.push(best, row);
    return top.floor;
  }

  /** The int8 pass: scores every slot of the rows `first` kept; keeps the best `candidates`. */
  private refine(first: TopRows, candidates: number): TopRows {
    const { slotStart, slotCount } = this.views;
    const { list8: list, listOwners } = this;
    const best = new Float64Array(first.size).fill(-Infinity);
    let listed = 0;
    for (let c = 0; c < first.size; c++) {
      const row = first.rows[c]!;
      const start = slotStart[row]!;
      const count = slotCount[row]!;
      for (let j = 0; j < count; j++) {
        if (listed === BLOCK) {
          this.scoreListed8(listed, best);
          listed = 0;
        }
        list[listed] = start + j;
        listOwners[listed++] = c;
      }
    }
    this.scoreListed8(listed, best);
    const top = new TopRows(candidates);
    for (let c = 0; c < first.size; c++) {
      if (best[c]! > top.floor) top.push(best[c]!, first.rows[c]!);
    }
    return top;
  }

  /** int8 scores of the first `listed` slots of the int8 lane's list, kept per candidate. */
  private scoreListed8(listed: number, best: Float64Array): void {
    if (listed === 0) return;
    const { list8: list, listOwners, out8: out } = this;
    const scale = this.views.scale;
    const { data, rowBytes } = this.layout8;
    this.kernel8.list(this.lane8.query, data, rowBytes, this.lane8.list, listed, this.lane8.out);
    for (let i = 0; i < listed; i++) {
      const score = out[i]! * scale[list[i]!]!;
      const c = listOwners[i]!;
      if (score > best[c]!) best[c] = score;
    }
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
    const dims = this.layout8.dims;
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
