/**
 * The scan's candidates: a bounded min-heap of (int8 score, row) keeping the `capacity` best
 * rows seen (sqlite-vector-reader.ts).
 */
export class TopRows {
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

/** The rows and scores a heap holds, in no particular order. */
export function topEntries(top: TopRows): { rows: Int32Array; scores: Float64Array } {
  return { rows: top.rows.slice(0, top.size), scores: top.scores.slice(0, top.size) };
}
