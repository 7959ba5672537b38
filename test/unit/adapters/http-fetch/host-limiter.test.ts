import { HostLimiter } from '../../../../src/adapters/http-fetch/host-limiter';

/** A task that records how many run at once and ends when the test says so. */
function gate() {
  const running = new Map<string, number>();
  const peak = new Map<string, number>();
  const releases: Array<() => void> = [];
  const task = (host: string) => async () => {
    const now = (running.get(host) ?? 0) + 1;
    running.set(host, now);
    running.set('*', (running.get('*') ?? 0) + 1);
    peak.set(host, Math.max(peak.get(host) ?? 0, now));
    peak.set('*', Math.max(peak.get('*') ?? 0, running.get('*') ?? 0));
    await new Promise<void>((resolve) => releases.push(resolve));
    running.set(host, (running.get(host) ?? 1) - 1);
    running.set('*', (running.get('*') ?? 1) - 1);
  };
  /** Lets every task that has started so far finish; returns how many that was. */
  const releaseStarted = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    const started = releases.splice(0);
    for (const release of started) release();
    return started.length;
  };
  return { task, peak, releaseStarted };
}

async function drain(g: ReturnType<typeof gate>, all: Promise<unknown>): Promise<void> {
  let done = false;
  void all.then(() => (done = true));
  while (!done) await g.releaseStarted();
}

describe('HostLimiter', () => {
  it('runs at most perHost tasks of one host at once', async () => {
    const limiter = new HostLimiter(2, 10);
    const g = gate();
    const all = Promise.all(Array.from({ length: 7 }, () => limiter.run('a', g.task('a'))));
    await drain(g, all);
    expect(g.peak.get('a')).toBe(2);
  });

  it('runs at most `overall` tasks over all hosts, and lets every host through', async () => {
    const limiter = new HostLimiter(2, 3);
    const g = gate();
    const hosts = ['a', 'b', 'c', 'd'];
    const all = Promise.all(
      hosts.flatMap((host) => Array.from({ length: 3 }, () => limiter.run(host, g.task(host)))),
    );
    await drain(g, all);
    expect(g.peak.get('*')).toBe(3);
    for (const host of hosts) expect(g.peak.get(host)).toBeGreaterThanOrEqual(1);
    for (const host of hosts) expect(g.peak.get(host)).toBeLessThanOrEqual(2);
  });

  it('forgets a host once its tasks are done, failed ones included', async () => {
    const limiter = new HostLimiter(1, 1);
    await limiter.run('a', async () => undefined);
    await expect(limiter.run('b', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect((limiter as unknown as { hosts: Map<string, unknown> }).hosts.size).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => new HostLimiter(0, 4)).toThrow(TypeError);
    expect(() => new HostLimiter(2, 0)).toThrow(TypeError);
  });
});
