import ipaddr from "ipaddr.js";

/** True for an IPv4 or IPv6 range in CIDR notation (a bare address is not a range). */
export function isValidCidr(text: string): boolean {
  try {
    ipaddr.parseCIDR(text.trim());
    return true;
  } catch {
    return false;
  }
}

/** One spelling per range: the network address and prefix, IPv6 compressed, lower case. */
export function normalizeCidr(text: string): string {
  const [address, prefix] = ipaddr.parseCIDR(text.trim());
  const network =
    address.kind() === "ipv4"
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefix}`);
  return `${network.toString()}/${prefix}`;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
const parsedRanges = new Map<string, Range | null>();

/** A stored range, parsed once per process (every punch checks the same few). */
function parsedRange(cidr: string): Range | null {
  let range = parsedRanges.get(cidr);
  if (range === undefined) {
    try {
      range = ipaddr.parseCIDR(cidr);
    } catch {
      range = null; // a stored range that no longer parses allows nothing
    }
    if (parsedRanges.size > 10_000) parsedRanges.clear();
    parsedRanges.set(cidr, range);
  }
  return range;
}

/**
 * Who a rate limit or a security event counts against: an IPv4 address, or the /64 an IPv6
 * address is in (one subscriber's network: rotating addresses inside it changes nothing).
 * IPv4-mapped IPv6 counts as its IPv4 address. Null without a usable address.
 */
export function rateLimitSource(ip: string | null | undefined): string | null {
  if (!ip) return null;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip.trim());
  } catch {
    return null;
  }
  if (address.kind() === "ipv4") return address.toString();
  const prefix = (address as ipaddr.IPv6).parts.slice(0, 4).concat([0, 0, 0, 0]);
  return `${new ipaddr.IPv6(prefix).toString()}/64`;
}

/**
 * Whether `ip` lies in any of `cidrs`. IPv4-mapped IPv6 addresses
 * (`::ffff:203.0.113.7`) count as their IPv4 address. Unparseable input matches nothing.
 */
export function ipInRanges(ip: string, cidrs: readonly string[]): boolean {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip.trim());
  } catch {
    return false;
  }
  for (const cidr of cidrs) {
    const range = parsedRange(cidr);
    if (range && range[0].kind() === address.kind() && address.match(range as Parameters<typeof address.match>[0])) return true;
  }
  return false;
}
