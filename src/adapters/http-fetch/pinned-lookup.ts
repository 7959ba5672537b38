/**
 * The DNS step of every connection the fetcher opens. Node's `net.connect` calls this lookup
 * and connects to what it returns, so filtering here checks the very address the socket goes
 * to: there is no earlier "check" resolution a rebinding DNS server could answer differently.
 * (IP literals skip lookups altogether; AddressPolicy.checkUrl judges them.)
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { AddressPolicy, Refusal } from './address-policy';

/** Resolves a hostname to every address it has (the injectable part, for tests). */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Raised inside the socket when every address a hostname resolved to is refused. */
export class AddressRefusedError extends Error {
  readonly code = 'ERR_PHOTO_ADDRESS_REFUSED';
  constructor(
    readonly hostname: string,
    readonly refusal: Refusal,
  ) {
    super(`${hostname} resolved only to refused addresses (${refusal.address ?? '?'})`);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for net/tls `connect` options (and so undici's `connect.lookup`). */
export function pinnedLookup(policy: AddressPolicy, resolve: Resolver = systemResolver) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        const wanted = addresses.filter(
          (a) =>
            options.family === undefined || options.family === 0 || a.family === options.family,
        );
        if (wanted.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`no address for ${hostname}`);
          error.code = 'ENOTFOUND';
          callback(error, '');
          return;
        }
        const allowed: LookupAddress[] = [];
        let firstRefusal: Refusal | undefined;
        for (const candidate of wanted) {
          const refusal = policy.checkAddress(hostname, candidate.address);
          if (refusal === undefined) allowed.push({ ...candidate });
          else firstRefusal ??= refusal;
        }
        const [first] = allowed;
        if (first === undefined) {
          const refusal = firstRefusal ?? { reason: 'ADDRESS_NOT_ALLOWED' as const };
          callback(new AddressRefusedError(hostname, refusal), '');
        } else if (options.all === true) callback(null, allowed);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
