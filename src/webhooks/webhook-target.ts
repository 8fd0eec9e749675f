import ipaddr from 'ipaddr.js';

/**
 * Webhook targets are chosen by API callers, and the worker POSTs from inside the deployment: a
 * target on loopback, a private network or a cloud metadata address (169.254.169.254) would turn
 * the worker into a proxy into that network. Only globally routable unicast addresses are allowed,
 * unless the deployment explicitly allows private targets (tests, a receiver on the same network).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // process() turns an IPv4-mapped IPv6 address (::ffff:127.0.0.1) into the IPv4 address it carries.
  return ipaddr.process(address).range() === 'unicast';
}

/** The URL's host as an IP literal (brackets removed), or null for a DNS name. */
export function literalAddressOf(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare)) ? bare : null;
}

/**
 * Why a URL may not be registered, or null. A DNS name is only checked for names that always mean
 * this host or the local network (localhost, single labels); the address it resolves to is checked
 * at each delivery, since DNS can change after registration.
 */
export function refusedTargetReason(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an http or https URL';
  }
  const literal = literalAddressOf(parsed.hostname);
  if (literal) return isPublicAddress(literal) ? null : `url must not target a loopback, private, link-local or reserved address (${literal})`;
  const name = parsed.hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost') || !name.includes('.')) {
    return 'url must name a public host (a fully qualified domain name or a public IP address)';
  }
  return null;
}
