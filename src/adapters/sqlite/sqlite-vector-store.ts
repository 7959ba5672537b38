/**
 * The SQLite index's in-memory vector index: an int8 copy of every image vector (one scale per
 * vector) and the product columns the filters read, in SharedArrayBuffers that the main thread
 * writes and every read worker scans. The exact re-score of the scan's best products reads their
 * float32 vectors from SQLite (sqlite-exact-vectors.ts), so memory stays near the int8 size
 * (about 1 + 4/dims bytes per dim per photo, where a float32 copy here cost 4 more).
 * SQLite stays the durable copy: the store is rebuilt from it at every open.
 *
 * Layout. A product is a *row*; its images are a contiguous run of *slots* (position order) and
 * its tags a contiguous run of the tag pool. Rows, slots and tag entries are append-only: an
 * upsert appends a new row and tombstones the old one, a delete tombstones. So a row or slot
 * number always names the same product/image, and the main thread can map the numbers a worker
 * returns to ids without racing a write.
 *
 * Consistency with concurrent searches. Only the main thread writes, synchronously, before the
 * write's promise resolves: it fills the new slots and row, then tombstones the old row and
 * publishes the new counts and a version with Atomics (sequentially consistent). A worker
 * Atomics-loads the counts when a search starts, so it scans exactly the rows published by then:
 * a search posted after a write resolved sees it. Growth allocates larger buffers, copies, and
 * posts them to every worker ahead of any later search (messages to a worker are ordered); a
 * scan already running finishes on the old buffers, which it keeps alive.
 */
import { cosine, inner } from 'simsimd';
import type { VectorHit } from '../../domain/search';
import type { ExactImage, ExactVectors } from './sqlite-exact-vectors';

/** Index of each counter in the control array. */
const VERSION = 0;
const ROWS = 1;
const SLOTS = 2;
const TAG_ENTRIES = 3;
const CONTROL_LENGTH = 4;

/** The shared buffers, as handed to a worker (structured clone shares, never copies, them). */
export interface VectorStoreBuffers {
  readonly dims: number;
  readonly control: SharedArrayBuffer;
  readonly rowCapacity: number;
  readonly slotStart: SharedArrayBuffer;
  readonly slotCount: SharedArrayBuffer;
  readonly alive: SharedArrayBuffer;
  readonly category: SharedArrayBuffer;
  readonly price: SharedArrayBuffer;
  readonly inStock: SharedArrayBuffer;
  readonly tagStart: SharedArrayBuffer;
  readonly tagCount: SharedArrayBuffer;
  readonly pk: SharedArrayBuffer;
  readonly slotCapacity: number;
  readonly quantized: SharedArrayBuffer;
  readonly scale: SharedArrayBuffer;
  readonly tagCapacity: number;
  readonly tags: SharedArrayBuffer;
}

/** Typed views over one set of buffers. */
class Views {
  readonly control: Int32Array;
  readonly slotStart: Int32Array;
  readonly slotCount: Int32Array;
  readonly alive: Int32Array;
  readonly category: Int32Array;
  readonly price: Float64Array;
  readonly inStock: Uint8Array;
  readonly tagStart: Int32Array;
  readonly tagCount: Int32Array;
  readonly pk: Float64Array;
  readonly quantized: Int8Array;
  readonly scale: Float32Array;
  readonly tags: Int32Array;

  constructor(readonly buffers: VectorStoreBuffers) {
    this.control = new Int32Array(buffers.control);
    this.slotStart = new Int32Array(buffers.slotStart);
    this.slotCount = new Int32Array(buffers.slotCount);
    this.alive = new Int32Array(buffers.alive);
    this.category = new Int32Array(buffers.category);
    this.price = new Float64Array(buffers.price);
    this.inStock = new Uint8Array(buffers.inStock);
    this.tagStart = new Int32Array(buffers.tagStart);
    this.tagCount = new Int32Array(buffers.tagCount);
    this.pk = new Float64Array(buffers.pk);
    this.quantized = new Int8Array(buffers.quantized);
    this.scale = new Float32Array(buffers.scale);
    this.tags = new Int32Array(buffers.tags);
  }
}

const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));

function allocate(
  dims: number,
  control: SharedArrayBuffer,
  rowCapacity: number,
  slotCapacity: number,
  tagCapacity: number,
): VectorStoreBuffers {
  return {
    dims,
    control,
    rowCapacity,
    slotStart: sab(rowCapacity * 4),
    slotCount: sab(rowCapacity * 4),
    alive: sab(rowCapacity * 4),
    category: sab(rowCapacity * 4),
    price: sab(rowCapacity * 8),
    inStock: sab(rowCapacity),
    tagStart: sab(rowCapacity * 4),
    tagCount: sab(rowCapacity * 4),
    pk: sab(rowCapacity * 8),
    slotCapacity,
    quantized: sab(slotCapacity * dims),
    scale: sab(slotCapacity * 4),
    tagCapacity,
    tags: sab(tagCapacity * 4),
  };
}

/** What the store keeps of a product: the filter columns and its image vectors. */
export interface StoredProduct {
  readonly id: string;
  /** Its products.pk: how the re-score finds its float32 vectors in SQLite. */
  readonly pk: number;
  readonly category: string;
  readonly price: number;
  readonly inStock: boolean;
  readonly tags: readonly string[];
  /** In position order. */
  readonly images: ReadonlyArray<{ readonly vector: Float32Array }>;
}

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

/** Quantizes `vector` into `out` with one scale for the vector; returns that scale. */
function quantize(vector: Float32Array, out: Int8Array, offset: number): number {
  let max = 0;
  for (let i = 0; i < vector.length; i++) max = Math.max(max, Math.abs(vector[i]!));
  const scale = max === 0 ? 1 : max / 127;
  for (let i = 0; i < vector.length; i++) out[offset + i] = Math.round(vector[i]! / scale);
  return scale;
}

const INITIAL_ROWS = 1024;
/** Dead rows (replaced or deleted products) kept before a compaction may run. */
const COMPACT_MIN_DEAD = 4096;

/**
 * Row -> product id for one generation of buffers. Append-only within a generation, so a
 * search maps the rows its worker returns with the names captured when it was sent, whatever
 * was written or compacted since. (Image ids come back from SQLite with the re-score.)
 */
export interface StoreNames {
  readonly productIds: readonly string[];
}

/**
 * A worker's hits as VectorHits, in its order. A hit whose re-score found another product
 * under the row's pk is dropped: that row's product was deleted and its pk reused by a new
 * product since the scan (see VectorStoreReader.rescore), which the search never scanned.
 */
export function nameHits(found: StoreHits, names: StoreNames): VectorHit[] {
  const hits: VectorHit[] = [];
  found.rows.forEach((row, i) => {
    const productId = names.productIds[row];
    if (productId === undefined || productId !== found.productIds[i]) return;
    hits.push({ productId, imageId: found.imageIds[i]!, similarity: found.similarities[i]! });
  });
  return hits;
}

/**
 * The main thread's side: owns the id <-> number maps and is the only writer.
 */
export class VectorStore {
  private views: Views;
  private rowOf = new Map<string, number>();
  /** This generation's row -> product id (see StoreNames). */
  private current: StoreNames = { productIds: [] };
  private readonly categoryIds = new Map<string, number>();
  private readonly tagIds = new Map<string, number>();
  private live = 0;

  /** Told of grown buffers, to hand them to the workers before any later search. */
  onGrow: (buffers: VectorStoreBuffers) => void = () => undefined;

  /** `expected` sizes the first buffers (a rebuild at open allocates once). */
  constructor(
    readonly dims: number,
    expected: { readonly products: number; readonly images: number; readonly tags: number } = {
      products: 0,
      images: 0,
      tags: 0,
    },
  ) {
    const room = (n: number) => Math.max(INITIAL_ROWS, Math.ceil(n * 1.125));
    this.views = new Views(
      allocate(
        dims,
        sab(CONTROL_LENGTH * 4),
        room(expected.products),
        room(expected.images),
        room(expected.tags),
      ),
    );
  }

  get buffers(): VectorStoreBuffers {
    return this.views.buffers;
  }

  /** Live products. */
  get size(): number {
    return this.live;
  }

  /** Bytes held in shared memory (the int8 copy, its scales and the columns). */
  get bytes(): number {
    const b = this.views.buffers;
    return [
      b.slotStart,
      b.slotCount,
      b.alive,
      b.category,
      b.price,
      b.inStock,
      b.tagStart,
      b.tagCount,
      b.pk,
      b.quantized,
      b.scale,
      b.tags,
    ].reduce((sum, buffer) => sum + buffer.byteLength, 0);
  }

  /** Replaces (or adds) a product. Visible to every search started after it returns. */
  put(product: StoredProduct): void {
    const { control } = this.views;
    const row = control[ROWS]!;
    const slot = control[SLOTS]!;
    const tag = control[TAG_ENTRIES]!;
    this.reserve(row + 1, slot + product.images.length, tag + product.tags.length);
    const v = this.views;
    const dims = this.dims;
    product.images.forEach((image, i) => {
      const s = slot + i;
      v.scale[s] = quantize(image.vector, v.quantized, s * dims);
    });
    const tags = [...new Set(product.tags)];
    tags.forEach((name, i) => {
      v.tags[tag + i] = this.intern(this.tagIds, name);
    });
    v.slotStart[row] = slot;
    v.slotCount[row] = product.images.length;
    v.category[row] = this.intern(this.categoryIds, product.category);
    v.price[row] = product.price;
    v.inStock[row] = product.inStock ? 1 : 0;
    v.tagStart[row] = tag;
    v.tagCount[row] = tags.length;
    v.pk[row] = product.pk;
    v.alive[row] = 1;
    (this.current.productIds as string[])[row] = product.id;
    const old = this.rowOf.get(product.id);
    if (old !== undefined) Atomics.store(v.alive, old, 0);
    else this.live++;
    this.rowOf.set(product.id, row);
    Atomics.store(control, SLOTS, slot + product.images.length);
    Atomics.store(control, TAG_ENTRIES, tag + tags.length);
    Atomics.store(control, ROWS, row + 1);
    Atomics.add(control, VERSION, 1);
    this.compactIfMostlyDead();
  }

  /**
   * Changes a stored product's price, stock and category where its row is, without a new row:
   * catalogs change prices and stock all day, and a new row per change would copy every image
   * vector again and leave the old row dead until the next open (memory growing with every
   * update). Each column is one aligned store, so a search running meanwhile reads the old or
   * the new value of each; the version bump publishes them to every search started after this
   * returns. Returns false, changing nothing, when the product is unknown or its tag set
   * changed (a row's tag run is two numbers that cannot be swapped in one store); the caller
   * then puts the whole product.
   */
  updateColumns(product: Omit<StoredProduct, 'images' | 'pk'>): boolean {
    const row = this.rowOf.get(product.id);
    if (row === undefined || !this.sameTags(row, product.tags)) return false;
    const v = this.views;
    v.price[row] = product.price;
    v.inStock[row] = product.inStock ? 1 : 0;
    Atomics.store(v.category, row, this.intern(this.categoryIds, product.category));
    Atomics.add(v.control, VERSION, 1);
    return true;
  }

  /** Rows ever appended, dead ones included (what the buffers hold until the next open). */
  get rows(): number {
    return Atomics.load(this.views.control, ROWS);
  }

  private sameTags(row: number, names: readonly string[]): boolean {
    const { tags, tagStart, tagCount } = this.views;
    const wanted = new Set<number>();
    for (const name of names) {
      const tag = this.tagIds.get(name);
      if (tag === undefined) return false;
      wanted.add(tag);
    }
    const start = tagStart[row]!;
    const count = tagCount[row]!;
    if (count !== wanted.size) return false;
    for (let i = start; i < start + count; i++) if (!wanted.has(tags[i]!)) return false;
    return true;
  }

  /** Removes a product; returns whether it was there. */
  remove(productId: string): boolean {
    const row = this.rowOf.get(productId);
    if (row === undefined) return false;
    this.rowOf.delete(productId);
    this.live--;
    Atomics.store(this.views.alive, row, 0);
    Atomics.add(this.views.control, VERSION, 1);
    this.compactIfMostlyDead();
    return true;
  }

  /**
   * Rows are append-only, so every re-indexed product leaves a dead row and a dead copy of its
   * vectors behind. Once dead rows outnumber live ones (and at least COMPACT_MIN_DEAD), the
   * live rows are copied into new buffers in their order, which go to the workers like grown
   * ones: memory stays within about twice the live data however often a catalog is re-sent.
   * The new generation has its own control counters and names, so a search sent before this
   * finishes on the old buffers and maps its rows with the old names (see StoreNames). The
   * copy runs on the caller's thread, in one go.
   */
  private compactIfMostlyDead(): void {
    const dead = Atomics.load(this.views.control, ROWS) - this.live;
    if (dead < COMPACT_MIN_DEAD || dead <= this.live) return;
    const old = this.views;
    const rows = [...this.rowOf.values()].sort((a, b) => a - b);
    let slots = 0;
    let tags = 0;
    for (const row of rows) {
      slots += old.slotCount[row]!;
      tags += old.tagCount[row]!;
    }
    const room = (n: number) => Math.max(INITIAL_ROWS, Math.ceil(n * 1.125));
    const next = new Views(
      allocate(this.dims, sab(CONTROL_LENGTH * 4), room(rows.length), room(slots), room(tags)),
    );
    const productIds: string[] = [];
    const rowOf = new Map<string, number>();
    const dims = this.dims;
    let slot = 0;
    let tag = 0;
    rows.forEach((from, to) => {
      const start = old.slotStart[from]!;
      const count = old.slotCount[from]!;
      next.quantized.set(old.quantized.subarray(start * dims, (start + count) * dims), slot * dims);
      next.scale.set(old.scale.subarray(start, start + count), slot);
      const tagFrom = old.tagStart[from]!;
      const tagCount = old.tagCount[from]!;
      next.tags.set(old.tags.subarray(tagFrom, tagFrom + tagCount), tag);
      next.slotStart[to] = slot;
      next.slotCount[to] = count;
      next.tagStart[to] = tag;
      next.tagCount[to] = tagCount;
      next.category[to] = old.category[from]!;
      next.price[to] = old.price[from]!;
      next.inStock[to] = old.inStock[from]!;
      next.pk[to] = old.pk[from]!;
      next.alive[to] = 1;
      const id = this.current.productIds[from]!;
      productIds[to] = id;
      rowOf.set(id, to);
      slot += count;
      tag += tagCount;
    });
    Atomics.store(next.control, SLOTS, slot);
    Atomics.store(next.control, TAG_ENTRIES, tag);
    Atomics.store(next.control, ROWS, rows.length);
    Atomics.store(next.control, VERSION, Atomics.load(old.control, VERSION) + 1);
    this.views = next;
    this.current = { productIds };
    this.rowOf = rowOf;
    this.onGrow(next.buffers);
  }

  /** The filter in the store's numbers, or null when no product can match (unknown value). */
  compile(filter: {
    category?: string;
    minPrice?: number;
    maxPrice?: number;
    inStock?: boolean;
    tags?: readonly string[];
  }): CompiledFilter | null {
    let category: number | undefined;
    if (filter.category !== undefined) {
      category = this.categoryIds.get(filter.category);
      if (category === undefined) return null;
    }
    const tags: number[] = [];
    for (const name of new Set(filter.tags ?? [])) {
      const id = this.tagIds.get(name);
      if (id === undefined) return null;
      tags.push(id);
    }
    return {
      ...(category !== undefined ? { category } : {}),
      ...(filter.minPrice !== undefined ? { minPrice: filter.minPrice } : {}),
      ...(filter.maxPrice !== undefined ? { maxPrice: filter.maxPrice } : {}),
      ...(filter.inStock !== undefined ? { inStock: filter.inStock ? 1 : 0 } : {}),
      ...(tags.length > 0 ? { tags } : {}),
    } as CompiledFilter;
  }

  /** The names of the buffers searches are sent to now: capture them when sending one. */
  get names(): StoreNames {
    return this.current;
  }

  private intern(ids: Map<string, number>, name: string): number {
    let id = ids.get(name);
    if (id === undefined) {
      id = ids.size;
      ids.set(name, id);
    }
    return id;
  }

  /** Grows (doubling, never shrinking) so that the counts fit; tells the workers. */
  private reserve(rows: number, slots: number, tags: number): void {
    const old = this.views.buffers;
    if (rows <= old.rowCapacity && slots <= old.slotCapacity && tags <= old.tagCapacity) return;
    const grown = (need: number, have: number) => (need <= have ? have : Math.max(need, have * 2));
    const next = allocate(
      this.dims,
      old.control,
      grown(rows, old.rowCapacity),
      grown(slots, old.slotCapacity),
      grown(tags, old.tagCapacity),
    );
    const copy = (key: keyof VectorStoreBuffers) =>
      new Uint8Array(next[key] as SharedArrayBuffer).set(
        new Uint8Array(old[key] as SharedArrayBuffer),
      );
    for (const key of [
      'slotStart',
      'slotCount',
      'alive',
      'category',
      'price',
      'inStock',
      'tagStart',
      'tagCount',
      'pk',
      'quantized',
      'scale',
      'tags',
    ] as const) {
      copy(key);
    }
    this.views = new Views(next);
    this.onGrow(next);
  }
}

/** A bounded min-heap of (score, row): keeps the `capacity` best rows seen. */
class TopRows {
  readonly scores: Float64Array;
  readonly rows: Int32Array;
  size = 0;

  constructor(readonly capacity: number) {
    this.scores = new Float64Array(capacity);
    this.rows = new Int32Array(capacity);
  }

  /** The score a row must beat to enter. */
  get floor(): number {
    return this.size < this.capacity ? -Infinity : this.scores[0]!;
  }

  push(score: number, row: number): void {
    const { scores, rows } = this;
    let i: number;
    if (this.size < this.capacity) {
      i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (scores[parent]! <= score) break;
        scores[i] = scores[parent]!;
        rows[i] = rows[parent]!;
        i = parent;
      }
    } else {
      i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= this.size) break;
        const right = left + 1;
        const child = right < this.size && scores[right]! < scores[left]! ? right : left;
        if (scores[child]! >= score) break;
        scores[i] = scores[child]!;
        rows[i] = rows[child]!;
        i = child;
      }
    }
    scores[i] = score;
    rows[i] = row;
  }
}

/** A worker's side: scans the shared buffers, re-scores from `exact` (SQLite). */
export class VectorStoreReader {
  private views: Views;
  private readonly query: Int8Array;
  /** An aligned copy of one float32 vector read from SQLite. */
  private readonly original: Float32Array;

  constructor(
    buffers: VectorStoreBuffers,
    private readonly exact: ExactVectors,
  ) {
    this.views = new Views(buffers);
    this.query = new Int8Array(buffers.dims);
    this.original = new Float32Array(buffers.dims);
  }

  /** Switches to grown buffers (sent by the main thread before any later search). */
  adopt(buffers: VectorStoreBuffers): void {
    this.views = new Views(buffers);
  }

  search({ vector, filter, candidates }: StoreQuery): StoreHits {
    const v = this.views;
    const dims = v.buffers.dims;
    Atomics.load(v.control, VERSION);
    // The control array outlives a growth: a search that started on the old buffers before
    // their replacement arrived reads no further than they reach (rows past that are newer).
    const rowCount = Math.min(Atomics.load(v.control, ROWS), v.buffers.rowCapacity);
    const q = this.query;
    quantize(vector, q, 0);
    const top = new TopRows(Math.max(1, candidates));
    const { alive, slotStart, slotCount, category, price, inStock, scale, quantized } = v;
    const wantCategory = filter.category;
    const minPrice = filter.minPrice ?? -Infinity;
    const maxPrice = filter.maxPrice ?? Infinity;
    const wantInStock = filter.inStock;
    const wantTags = filter.tags;
    for (let row = 0; row < rowCount; row++) {
      if (alive[row] === 0) continue;
      if (wantCategory !== undefined && category[row] !== wantCategory) continue;
      const p = price[row]!;
      if (p < minPrice || p > maxPrice) continue;
      if (wantInStock !== undefined && inStock[row] !== wantInStock) continue;
      if (wantTags !== undefined && !this.hasTags(row, wantTags)) continue;
      const start = slotStart[row]!;
      const end = start + slotCount[row]!;
      if (start === end) continue;
      let best = -Infinity;
      for (let s = start; s < end; s++) {
        const score = inner(q, quantized.subarray(s * dims, s * dims + dims)) * scale[s]!;
        if (score > best) best = score;
      }
      if (best > top.floor) top.push(best, row);
    }
    return this.rescore(top, vector);
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
  private rescore(top: TopRows, vector: Float32Array): StoreHits {
    const v = this.views;
    const dims = v.buffers.dims;
    const rowOfPk = new Map<number, number>();
    for (let i = 0; i < top.size; i++) {
      const row = top.rows[i]!;
      const pk = v.pk[row]!;
      if (!rowOfPk.has(pk)) rowOfPk.set(pk, row);
    }
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
