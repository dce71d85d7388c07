import { isIP } from 'node:net';

/**
 * What kind of network an IP address belongs to, for deciding whether paymesh may send a
 * callback there. Kept apart from DNS and HTTP so every range is unit-tested directly.
 */
export type AddressClass =
  | 'public'
  /** 127/8, ::1 */
  | 'loopback'
  /** RFC 1918, carrier-grade NAT, benchmark 198.18/15, IPv6 unique-local and site-local */
  | 'private'
  /** 169.254/16, fe80::/10: cloud metadata services live here */
  | 'link_local'
  /** 0/8, :: — connecting to 0.0.0.0 reaches the local host on Linux */
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  /** TEST-NET and 2001:db8::/32: never a real receiver */
  | 'documentation'
  /** reserved, deprecated or unassigned space */
  | 'reserved';

interface Ipv4Range {
  base: number;
  bits: number;
  cls: AddressClass;
}

const ipv4Ranges: Ipv4Range[] = [
  { base: ipv4ToInt('0.0.0.0'), bits: 8, cls: 'unspecified' },
  { base: ipv4ToInt('10.0.0.0'), bits: 8, cls: 'private' },
  { base: ipv4ToInt('100.64.0.0'), bits: 10, cls: 'private' },
  { base: ipv4ToInt('127.0.0.0'), bits: 8, cls: 'loopback' },
  { base: ipv4ToInt('169.254.0.0'), bits: 16, cls: 'link_local' },
  { base: ipv4ToInt('172.16.0.0'), bits: 12, cls: 'private' },
  { base: ipv4ToInt('192.0.0.0'), bits: 24, cls: 'reserved' },
  { base: ipv4ToInt('192.0.2.0'), bits: 24, cls: 'documentation' },
  { base: ipv4ToInt('192.88.99.0'), bits: 24, cls: 'reserved' },
  { base: ipv4ToInt('192.168.0.0'), bits: 16, cls: 'private' },
  { base: ipv4ToInt('198.18.0.0'), bits: 15, cls: 'private' },
  { base: ipv4ToInt('198.51.100.0'), bits: 24, cls: 'documentation' },
  { base: ipv4ToInt('203.0.113.0'), bits: 24, cls: 'documentation' },
  { base: ipv4ToInt('224.0.0.0'), bits: 4, cls: 'multicast' },
  { base: ipv4ToInt('255.255.255.255'), bits: 32, cls: 'broadcast' },
  { base: ipv4ToInt('240.0.0.0'), bits: 4, cls: 'reserved' },
];

function ipv4ToInt(address: string): number {
  const parts = address.split('.').map(Number);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function inRange(value: number, range: Ipv4Range): boolean {
  const mask = range.bits === 0 ? 0 : (0xffffffff << (32 - range.bits)) >>> 0;
  return (value & mask) >>> 0 === (range.base & mask) >>> 0;
}

function classifyIpv4Int(value: number): AddressClass {
  // Order matters only for nested ranges: 255.255.255.255 is checked before 240/4.
  for (const range of ipv4Ranges) if (inRange(value, range)) return range.cls;
  return 'public';
}

/** Eight 16-bit groups of a valid IPv6 literal: `::` compression, a dotted IPv4 tail, a `%zone`. */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0]!;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = ipv4ToInt(last);
    tail.push(v4 >>> 16, v4 & 0xffff);
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const gap = text.indexOf('::');
  if (gap === -1) return [...parse(text), ...tail];
  const left = parse(text.slice(0, gap));
  const right = parse(text.slice(gap + 2));
  const zeros = new Array<number>(8 - tail.length - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right, ...tail];
}

function embeddedIpv4(groups: number[], at: number): number {
  return ((groups[at]! << 16) | groups[at + 1]!) >>> 0;
}

function classifyIpv6(groups: number[]): AddressClass {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const firstSixZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0;
  if (firstSixZero && g6 === 0 && g7 === 0) return 'unspecified';
  if (firstSixZero && g6 === 0 && g7 === 1) return 'loopback';
  // ::ffff:a.b.c.d (IPv4-mapped) reaches the IPv4 host itself: judge that host.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return classifyIpv4Int(embeddedIpv4(groups, 6));
  // ::a.b.c.d (IPv4-compatible) is deprecated; nothing legitimate answers there.
  if (firstSixZero) return 'reserved';
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) gateways forward to the embedded IPv4 host.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return classifyIpv4Int(embeddedIpv4(groups, 6));
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return 'private';
  if (g0 === 0x2002) return classifyIpv4Int(embeddedIpv4(groups, 1));
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation';
  // Teredo hides its IPv4 endpoint (obfuscated); refuse rather than decode it.
  if (g0 === 0x2001 && g1 === 0) return 'reserved';
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return 'reserved';
  if ((g0 & 0xfe00) === 0xfc00) return 'private';
  if ((g0 & 0xffc0) === 0xfe80) return 'link_local';
  if ((g0 & 0xffc0) === 0xfec0) return 'private';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  // Only 2000::/3 is allocated global unicast.
  if ((g0 & 0xe000) === 0x2000) return 'public';
  return 'reserved';
}

/** Classifies an IPv4 or IPv6 literal (brackets allowed); null when `address` is not an IP. */
export function classifyAddress(address: string): AddressClass | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const version = isIP(bare.split('%')[0]!);
  if (version === 4) return classifyIpv4Int(ipv4ToInt(bare));
  if (version === 6) return classifyIpv6(ipv6Groups(bare));
  return null;
}
