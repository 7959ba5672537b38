import { ConcurrencyLimiter } from '../../lib/concurrency-limiter';

/**
 * At most `perHost` requests at once to one host and `overall` in total. A host's limiter
 * exists only while it has requests, so a feed naming a million hosts keeps no map of them.
 * The host slot is taken before the overall one: a request queued behind its busy host then
 * holds no overall slot that requests to other hosts could use.
 */
export class HostLimiter {
  private readonly overall: ConcurrencyLimiter;
  private readonly hosts = new Map<string, { limiter: ConcurrencyLimiter; users: number }>();

  constructor(
    private readonly perHost: number,
    overall: number,
  ) {
    this.overall = new ConcurrencyLimiter(overall);
    // Checked here too: ConcurrencyLimiter would only see a bad perHost on first use.
    new ConcurrencyLimiter(perHost);
  }

  async run<T>(host: string, fn: () => Promise<T>): Promise<T> {
    let entry = this.hosts.get(host);
    if (entry === undefined) {
      entry = { limiter: new ConcurrencyLimiter(this.perHost), users: 0 };
      this.hosts.set(host, entry);
    }
    entry.users++;
    try {
      return await entry.limiter.run(() => this.overall.run(fn));
    } finally {
      entry.users--;
      if (entry.users === 0) this.hosts.delete(host);
    }
  }
}
