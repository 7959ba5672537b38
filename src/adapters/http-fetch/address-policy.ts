/**
 * Which URLs and which IP addresses the photo fetcher may reach. Pure: no DNS, no sockets.
 *
 * By default only globally routable unicast addresses pass (ipaddr.js names every special
 * range; anything it does not call `unicast` is refused), IPv4-mapped IPv6 addresses are judged
 * as the IPv4 address they carry, and cloud metadata hosts are refused by name and by address.
 * `allowPrivate` lifts RFC 1918, CGNAT and unique-local ranges (in-house hosts), never loopback,
 * link-local or metadata. `allowHosts` lists hostnames (`images.internal`, `*.cdn.internal`)
 * whose resolved addresses are all accepted but metadata ones, and CIDRs (`10.20.0.0/16`,
 * `127.0.0.1`) whose addresses are accepted whatever the range.
 */
import ipaddr from 'ipaddr.js';

/** Why a URL or an address is refused: `details.reason` of IMAGE_URL_FORBIDDEN. */
type RefusalReason =
  | 'SCHEME_NOT_ALLOWED'
  | 'CREDENTIALS_IN_URL'
  | 'METADATA_HOST'
  | 'ADDRESS_NOT_ALLOWED'
  | 'TOO_MANY_REDIRECTS';

export interface Refusal {
  readonly reason: RefusalReason;
  /** The refused address, for ADDRESS_NOT_ALLOWED. */
  readonly address?: string;
  /** ipaddr.js's name of its range (`loopback`, `private`, `linkLocal`, `metadata`...). */
  readonly range?: string;
}

export interface AddressPolicyOptions {
  /** Accept RFC 1918, CGNAT (100.64/10) and unique-local (fc00::/7) addresses. */
  readonly allowPrivate: boolean;
  /** Hostnames (`*.` for subdomains) and IPs or CIDRs accepted whatever their range. */
  readonly allowHosts: readonly string[];
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

/** Cloud metadata endpoints: refused even under allowPrivate or an allowed hostname. */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);
const METADATA_CIDRS: readonly Cidr[] = [
  ipaddr.parseCIDR('169.254.169.254/32'), // AWS, GCP, Azure, OCI, DigitalOcean...
  ipaddr.parseCIDR('169.254.170.2/32'), // AWS ECS task metadata
  ipaddr.parseCIDR('fd00:ec2::254/128'), // AWS over IPv6
  ipaddr.parseCIDR('100.100.100.200/32'), // Alibaba Cloud
];
const PRIVATE_RANGES = new Set(['private', 'carrierGradeNat', 'uniqueLocal']);
// ::a.b.c.d ("IPv4-compatible", deprecated): ipaddr.js calls it unicast; nothing public lives there.
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** Lower-case, without the brackets of an IPv6 literal or a trailing dot. */
function normaliseHost(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** An allow-list entry's CIDR: `10.0.0.0/8`, or a single address as /32 or /128. */
function cidrOf(entry: string): Cidr | undefined {
  if (ipaddr.isValidCIDR(entry)) return ipaddr.parseCIDR(entry);
  if (ipaddr.isValid(entry)) {
    const address = ipaddr.process(entry);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  }
  return undefined;
}

const HOSTNAME = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Whether an allow-list entry is a hostname, a wildcard hostname, an address or a CIDR. */
function isValidAllowEntry(entry: string): boolean {
  const host = normaliseHost(entry.trim());
  return cidrOf(host) !== undefined || HOSTNAME.test(host);
}

function inCidr(address: Address, [base, bits]: Cidr): boolean {
  return address.kind() === base.kind() && address.match(base, bits);
}

/** The address as the family it really reaches: IPv4-mapped IPv6 becomes IPv4. */
function unmapped(address: Address): Address {
  return address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()
    ? address.toIPv4Address()
    : address;
}

/** The range ipaddr.js gives, refined: metadata endpoints and IPv4-compatible IPv6 named. */
function rangeOf(address: Address): string {
  if (METADATA_CIDRS.some((cidr) => inCidr(address, cidr))) return 'metadata';
  const range = address.range();
  if (range === 'unicast' && inCidr(address, IPV4_COMPATIBLE)) return 'ipv4Compatible';
  return range;
}

export class AddressPolicy {
  private readonly allowPrivate: boolean;
  private readonly hosts: readonly string[];
  private readonly cidrs: readonly Cidr[];

  constructor(options: AddressPolicyOptions) {
    const hosts: string[] = [];
    const cidrs: Cidr[] = [];
    for (const raw of options.allowHosts) {
      const entry = normaliseHost(raw.trim());
      if (!isValidAllowEntry(entry)) {
        throw new TypeError(
          `AddressPolicy: not a hostname, address or CIDR: ${JSON.stringify(raw)}`,
        );
      }
      const cidr = cidrOf(entry);
      if (cidr === undefined) hosts.push(entry);
      else cidrs.push(cidr);
    }
    this.allowPrivate = options.allowPrivate;
    this.hosts = hosts;
    this.cidrs = cidrs;
  }

  /**
   * Checks what can be known from the URL alone: scheme, credentials, metadata names, and the
   * address when the host is an IP literal (the URL parser has already turned decimal, octal
   * and hex IPv4 forms into dotted quads). Returns the refusal, or undefined.
   */
  checkUrl(url: URL): Refusal | undefined {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { reason: 'SCHEME_NOT_ALLOWED' };
    }
    if (url.username !== '' || url.password !== '') return { reason: 'CREDENTIALS_IN_URL' };
    const host = normaliseHost(url.hostname);
    if (ipaddr.isValid(host)) return this.checkAddress(host, host);
    if (METADATA_HOSTS.has(host)) return { reason: 'METADATA_HOST' };
    return undefined;
  }

  /** Checks one address `hostname` resolved to (or the literal itself); undefined allows it. */
  checkAddress(hostname: string, address: string): Refusal | undefined {
    let parsed: Address;
    try {
      parsed = unmapped(ipaddr.parse(address));
    } catch {
      return { reason: 'ADDRESS_NOT_ALLOWED', address, range: 'invalid' };
    }
    if (this.cidrs.some((cidr) => inCidr(parsed, cidr))) return undefined;
    const range = rangeOf(parsed);
    if (range === 'unicast') return undefined;
    if (range !== 'metadata') {
      if (this.allowPrivate && PRIVATE_RANGES.has(range)) return undefined;
      if (this.hostAllowed(normaliseHost(hostname))) return undefined;
    }
    return { reason: 'ADDRESS_NOT_ALLOWED', address, range };
  }

  private hostAllowed(host: string): boolean {
    return this.hosts.some((entry) =>
      entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry,
    );
  }
}
