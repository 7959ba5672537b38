import { GroupCommit } from '../../../../src/services/feedback/group-commit';
import { expectCode } from '../../../helpers/expect-code';

/** A write that waits until the test lets it go, recording what it was given. */
class HeldWrites {
  readonly writes: Array<{ items: number[]; requests: number }> = [];
  private release: Array<(error?: Error) => void> = [];

  readonly write = (items: readonly number[], requests: number): Promise<void> => {
    this.writes.push({ items: [...items], requests });
    return new Promise((resolve, reject) => {
      this.release.push((error) => (error === undefined ? resolve() : reject(error)));
    });
  };

  /** Finishes the oldest write in flight (with an error when given). */
  finish(error?: Error): void {
    const next = this.release.shift();
    if (next === undefined) throw new Error('no write in flight');
    next(error);
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('puts every request that arrived during a write into one next write', async () => {
    const held = new HeldWrites();
    const commit = new GroupCommit(held.write, { maxQueued: 100, maxWrite: 100, lingerMs: 0 });
    const settled: number[] = [];
    const first = commit.submit([1]).then(() => settled.push(1));
    await flush();
    const others = [2, 3, 4, 5].map((n) => commit.submit([n, n]).then(() => settled.push(n)));
    await flush();
    expect(held.writes).toEqual([{ items: [1], requests: 1 }]);
    expect(commit.depth).toBe(8);
    held.finish();
    await first;
    await flush();
    // 4 requests, 1 write; none resolved before its write finished.
    expect(held.writes[1]).toEqual({ items: [2, 2, 3, 3, 4, 4, 5, 5], requests: 4 });
    expect(settled).toEqual([1]);
    held.finish();
    await Promise.all(others);
    expect(settled).toEqual([1, 2, 3, 4, 5]);
    expect(held.writes).toHaveLength(2);
  });

  it('waits lingerMs for company before writing, so back-to-back requests share a write', async () => {
    const writes: number[][] = [];
    const commit = new GroupCommit(
      async (items: readonly number[]) => {
        writes.push([...items]);
      },
      { maxQueued: 100, maxWrite: 100, lingerMs: 20 },
    );
    const all = [commit.submit([1])];
    await flush();
    all.push(commit.submit([2]));
    await Promise.all(all);
    expect(writes).toEqual([[1, 2]]);
  });

  it('refuses with OVERLOADED when the queue is full, and writes nothing of the refused request', async () => {
    const held = new HeldWrites();
    const commit = new GroupCommit(held.write, { maxQueued: 4, maxWrite: 100, lingerMs: 0 });
    const inFlight = commit.submit([1]);
    await flush();
    const queued = commit.submit([2, 3, 4]);
    const error = await expectCode(commit.submit([5, 6]), 'OVERLOADED');
    expect(error.details).toEqual({ maxQueued: 4, queued: 3 });
    held.finish();
    await inFlight;
    await flush();
    held.finish();
    await queued;
    expect(held.writes.map((w) => w.items)).toEqual([[1], [2, 3, 4]]);
  });

  it('lets a request larger than the queue in when nothing waits (slow rather than impossible)', async () => {
    const held = new HeldWrites();
    const commit = new GroupCommit(held.write, { maxQueued: 2, maxWrite: 2, lingerMs: 0 });
    const big = commit.submit([1, 2, 3]);
    await flush();
    held.finish();
    await big;
    expect(held.writes.map((w) => w.items)).toEqual([[1, 2, 3]]);
  });

  it('never splits a request and keeps a write to maxWrite items when it can', async () => {
    const held = new HeldWrites();
    const commit = new GroupCommit(held.write, { maxQueued: 100, maxWrite: 3, lingerMs: 0 });
    const all = [commit.submit([0])];
    await flush();
    all.push(commit.submit([1, 1]), commit.submit([2, 2]), commit.submit([3]));
    held.finish();
    await flush();
    held.finish();
    await flush();
    held.finish();
    await Promise.all(all);
    expect(held.writes.map((w) => w.items)).toEqual([[0], [1, 1], [2, 2, 3]]);
  });

  it('fails exactly the requests of a failed write, and goes on with the next', async () => {
    const held = new HeldWrites();
    const commit = new GroupCommit(held.write, { maxQueued: 100, maxWrite: 100, lingerMs: 0 });
    const first = commit.submit([1]);
    await flush();
    const second = commit.submit([2]);
    const third = commit.submit([3]);
    held.finish(new Error('disk full'));
    await expect(first).rejects.toThrow('disk full');
    await flush();
    held.finish();
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
  });

  it('states its contract for impossible limits', () => {
    const write = async () => undefined;
    expect(() => new GroupCommit(write, { maxQueued: 0, maxWrite: 1, lingerMs: 0 })).toThrow(
      TypeError,
    );
    expect(() => new GroupCommit(write, { maxQueued: 1, maxWrite: 1, lingerMs: -1 })).toThrow(
      TypeError,
    );
  });
});
