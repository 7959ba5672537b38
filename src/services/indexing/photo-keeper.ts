import { sniffPhotoContentType } from '../../domain/photo-format';
import type { PhotoStore } from '../../ports/photo-store.port';
import type { ProductIndex } from '../../ports/product-index.port';

/**
 * Keeps the photo store in step with the index: new originals are put before their product is
 * written, and originals no product references any more are deleted after the write that
 * dropped them.
 *
 * The race: a writer about to reference hash H (put done, or skipped because H was already
 * indexed) and a collector that has just seen H unreferenced. Within one process it is closed:
 * a writer pins its hashes before it looks them up, the collector drops pinned hashes in the
 * same tick in which it starts deleting, and a writer waits for an in-flight delete of H before
 * it puts H. Across processes sharing one store it is not: the worst case is a missing original
 * (never a missing or wrong vector), and re-indexing the product puts it back.
 */
export class PhotoKeeper {
  private readonly pins = new Map<string, number>();
  private readonly deleting = new Map<string, Promise<void>>();

  constructor(
    private readonly store: PhotoStore | null,
    private readonly index: ProductIndex,
  ) {}

  /** Protects hashes from collection until the returned release is called (once). */
  pin(hashes: Iterable<string>): () => void {
    const held = [...new Set(hashes)];
    for (const hash of held) this.pins.set(hash, (this.pins.get(hash) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const hash of held) {
        const count = (this.pins.get(hash) ?? 1) - 1;
        if (count <= 0) this.pins.delete(hash);
        else this.pins.set(hash, count);
      }
    };
  }

  /** Durably stores each photo (hash -> bytes); resolves once all are durable. */
  async put(photos: ReadonlyMap<string, Uint8Array>): Promise<void> {
    const store = this.store;
    if (store === null) return;
    await Promise.all(
      [...photos].map(async ([hash, bytes]) => {
        await this.deleting.get(hash);
        await store.put(hash, bytes, sniffPhotoContentType(bytes));
      }),
    );
  }

  /** Deletes the originals of `hashes` that no product references and no writer has pinned. */
  async collect(hashes: Iterable<string>): Promise<void> {
    const store = this.store;
    const candidates = [...new Set(hashes)];
    if (store === null || candidates.length === 0) return;
    const found = await this.index.findVectorsBySha256(candidates);
    // From here to store.delete() runs in one tick: a writer either pinned first or waits.
    const unreferenced = candidates.filter(
      (hash, i) => found[i] === null && !this.pins.has(hash) && !this.deleting.has(hash),
    );
    if (unreferenced.length === 0) return;
    const deletion = store.delete(unreferenced);
    const settled = deletion.catch(() => undefined);
    for (const hash of unreferenced) this.deleting.set(hash, settled);
    try {
      await deletion;
    } finally {
      for (const hash of unreferenced) this.deleting.delete(hash);
    }
  }
}
