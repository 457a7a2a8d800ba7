import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** IANA global unicast (RFC 4291 §2.4, RFC 3587): the only IPv6 block treated as public. */
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

/**
 * Which addresses the IVR `http` node may connect to (issue 13, SSRF). An address is allowed
 * when it is inside a listed IP/CIDR, or when it is public and public addresses are allowed:
 * IPv4 outside every special-purpose block (loopback, RFC 1918 private, link-local incl.
 * 169.254.169.254, CGNAT, 0/8, multicast, broadcast, benchmarking, documentation, …; ipaddr.js
 * `range() === 'unicast'`), IPv6 inside 2000::/3 and not special there (6to4, Teredo, NAT64,
 * documentation, …). IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 address it maps.
 * A listed host name (`crm.internal`, or `*.corp.example` for its subdomains) may resolve to
 * any address: the admin vouches for that name's DNS.
 */
export class HttpAddressPolicy {
  private readonly hosts = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly cidrs: [Address, number][] = [];

  /**
   * @param allow IVR_HTTP_ALLOW entries (host names, `*.domain`, IPs, CIDRs); invalid ones are
   *   refused by the config schema at boot and ignored here
   * @param allowPublic whether public addresses are allowed without being listed
   */
  constructor(allow: readonly string[], private readonly allowPublic: boolean) {
    for (const raw of allow) {
      const entry = raw.trim().toLowerCase().replace(/\.$/, '');
      if (entry.includes('/')) {
        if (ipaddr.isValidCIDR(entry)) this.cidrs.push(ipaddr.parseCIDR(entry));
      } else if (ipaddr.isValid(entry)) {
        const a = ipaddr.process(entry);
        this.cidrs.push([a, a.kind() === 'ipv4' ? 32 : 128]);
      } else if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
      else if (entry !== '') this.hosts.add(entry);
    }
  }

  /** Whether the host name is listed (exactly, or under a listed `*.domain`). */
  hostListed(hostname: string): boolean {
    const h = hostname.toLowerCase().replace(/\.$/, '');
    return this.hosts.has(h) || this.suffixes.some((s) => h.endsWith(s));
  }

  /** Whether a connection to this IP address (text form, IPv4 or IPv6) is allowed. */
  addressAllowed(address: string): boolean {
    if (!ipaddr.isValid(address)) return false;
    const a = ipaddr.process(address);
    if (this.cidrs.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits))) return true;
    return this.allowPublic && isPublic(a);
  }
}

function isPublic(a: Address): boolean {
  if (a.range() !== 'unicast') return false;
  return a.kind() === 'ipv4' || a.match(IPV6_GLOBAL_UNICAST);
}
