/**
 * The SQLite index's in-memory vector index: an int8 copy of every image vector (one scale per
 * vector) in a shared WebAssembly.Memory, and the product columns the filters read in
 * SharedArrayBuffers (sqlite-vector-layout.ts), which the main thread writes and every read
 * worker scans (sqlite-vector-reader.ts). The exact re-score of the scan's best products reads their
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
 * a search posted after a write resolved sees it. Growth allocates larger column buffers,
 * copies, grows the vectors' memory in place (no vector moves), and posts the new set to every
 * worker ahead of any later search (messages to a worker are ordered); a scan already running
 * finishes on the old columns, which it keeps alive.
 */
import type { VectorHit } from '../../domain/search';
import { growMemory } from './simd/int8-kernel';
import type { CompiledFilter, StoreHits } from './sqlite-vector-reader';
import type { VectorStoreBuffers } from './sqlite-vector-layout';
import {
  allocate,
  int8Layout,
  newControl,
  nibbleLayout,
  quantize,
  quantizeNibbles,
  ROWS,
  sharedBytes,
  SLOTS,
  TAG_ENTRIES,
  VERSION,
  Views,
} from './sqlite-vector-layout';
import type { MemoryLayout } from './sqlite-vector-layout';

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
  /**
   * Row -> products.pk, for the rows published when the names were taken (a split search
   * scans no further; see SqliteReadClient). Not changed by a later write of another row.
   */
  readonly pks: Float64Array;
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
  private readonly layout: MemoryLayout;
  private readonly nibbleLayout: MemoryLayout;
  /** The codes' memories as bytes; renewed when they grow. */
  private vectors: Int8Array;
  private codes: Uint8Array;
  private rowOf = new Map<string, number>();
  /** This generation's row -> product id (see StoreNames). */
  private current: { readonly productIds: string[] } = { productIds: [] };
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
    this.layout = int8Layout(dims);
    this.nibbleLayout = nibbleLayout(dims);
    const room = (n: number) => Math.max(INITIAL_ROWS, Math.ceil(n * 1.125));
    this.views = new Views(
      allocate(
        dims,
        newControl(),
        room(expected.products),
        room(expected.images),
        room(expected.tags),
      ),
    );
    this.vectors = new Int8Array(this.views.buffers.vectors.buffer);
    this.codes = new Uint8Array(this.views.buffers.codes.buffer);
  }

  get buffers(): VectorStoreBuffers {
    return this.views.buffers;
  }

  /** Live products. */
  get size(): number {
    return this.live;
  }

  /** Bytes held in shared memory (the int8 copy and scan lanes, the scales and the columns). */
  get bytes(): number {
    return sharedBytes(this.views.buffers);
  }

  /** Replaces (or adds) a product. Visible to every search started after it returns. */
  put(product: StoredProduct): void {
    const { control } = this.views;
    const row = control[ROWS]!;
    const slot = control[SLOTS]!;
    const tag = control[TAG_ENTRIES]!;
    this.reserve(row + 1, slot + product.images.length, tag + product.tags.length);
    const v = this.views;
    const { data, rowBytes } = this.layout;
    const nibbles = this.nibbleLayout;
    product.images.forEach((image, i) => {
      const s = slot + i;
      v.scale[s] = quantize(image.vector, this.vectors, data + s * rowBytes);
      const at = nibbles.data + s * nibbles.rowBytes;
      v.scale4[s] = quantizeNibbles(image.vector, this.codes, at);
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
    this.current.productIds[row] = product.id;
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
      allocate(this.dims, newControl(), room(rows.length), room(slots), room(tags)),
    );
    const nextVectors = new Int8Array(next.buffers.vectors.buffer);
    const nextCodes = new Uint8Array(next.buffers.codes.buffer);
    const moveRows =
      (from: Uint8Array | Int8Array, to: typeof from, layout: MemoryLayout) =>
      (start: number, count: number, at: number) =>
        to.set(
          from.subarray(
            layout.data + start * layout.rowBytes,
            layout.data + (start + count) * layout.rowBytes,
          ),
          layout.data + at * layout.rowBytes,
        );
    const moveVectors = moveRows(this.vectors, nextVectors, this.layout);
    const moveCodes = moveRows(this.codes, nextCodes, this.nibbleLayout);
    const productIds: string[] = [];
    const rowOf = new Map<string, number>();
    let slot = 0;
    let tag = 0;
    rows.forEach((from, to) => {
      const start = old.slotStart[from]!;
      const count = old.slotCount[from]!;
      moveVectors(start, count, slot);
      moveCodes(start, count, slot);
      next.scale.set(old.scale.subarray(start, start + count), slot);
      next.scale4.set(old.scale4.subarray(start, start + count), slot);
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
    this.vectors = nextVectors;
    this.codes = nextCodes;
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
    return { productIds: this.current.productIds, pks: this.views.pk };
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
    const slotCapacity = grown(slots, old.slotCapacity);
    growMemory(old.vectors, this.layout.bytesFor(slotCapacity));
    growMemory(old.codes, this.nibbleLayout.bytesFor(slotCapacity));
    const next = allocate(
      this.dims,
      old.control,
      grown(rows, old.rowCapacity),
      slotCapacity,
      grown(tags, old.tagCapacity),
      { vectors: old.vectors, codes: old.codes },
    );
    const copy = (key: Exclude<keyof VectorStoreBuffers, 'vectors' | 'codes'>) =>
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
      'scale',
      'scale4',
      'tags',
    ] as const) {
      copy(key);
    }
    this.views = new Views(next);
    this.vectors = new Int8Array(next.vectors.buffer);
    this.codes = new Uint8Array(next.codes.buffer);
    this.onGrow(next);
  }
}
