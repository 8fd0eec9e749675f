import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * The addresses allowed to read /metrics without an API key (METRICS_ALLOW): comma-separated
 * CIDRs or single addresses. IPv4-mapped IPv6 peers (`::ffff:10.0.0.5`, what a dual-stack socket
 * reports) are compared as IPv4. `none` (or an empty list) allows nobody.
 */
export class MetricsAllowList {
  private constructor(private readonly ranges: Range[]) {}

  /** Throws naming the first entry that is neither an address nor a CIDR. */
  static parse(text: string): MetricsAllowList {
    if (text.trim() === 'none') return new MetricsAllowList([]);
    const entries = text
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    return new MetricsAllowList(entries.map(toRange));
  }

  allows(address: string | undefined): boolean {
    if (!address || !ipaddr.isValid(address)) return false;
    const ip = ipaddr.process(address);
    return this.ranges.some(([range, bits]) => ip.kind() === range.kind() && ip.match(range, bits));
  }
}

function toRange(entry: string): Range {
  try {
    if (entry.includes('/')) return unmapped(...ipaddr.parseCIDR(entry));
    const ip = ipaddr.process(entry);
    return [ip, ip.kind() === 'ipv4' ? 32 : 128];
  } catch {
    throw new Error(`METRICS_ALLOW: "${entry}" is not an IP address or CIDR`);
  }
}

/** `::ffff:10.0.0.0/104` is the IPv4 range 10.0.0.0/8, the way peers are compared. */
function unmapped(ip: ipaddr.IPv4 | ipaddr.IPv6, bits: number): Range {
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) return [(ip as ipaddr.IPv6).toIPv4Address(), Math.max(0, bits - 96)];
  return [ip, bits];
}
