/**
 * Whether an IP address belongs to the public internet, for server-side requests to URLs that
 * came from outside (a contact's `linkedit`). Loopback, private, shared (CGNAT), link-local,
 * documentation, benchmarking, multicast, reserved and unspecified ranges are not public, in
 * IPv4 and IPv6 alike; an IPv6 address that embeds an IPv4 one (v4-mapped, v4-compatible,
 * NAT64) is judged by the IPv4 address inside.
 */
import { BlockList, isIP } from 'node:net';

export type AddressKind = 'public' | 'internal' | 'never';

/** Ranges never worth asking even when an operator allows the host: nobody serves a page there. */
const never = new BlockList();
never.addSubnet('0.0.0.0', 8, 'ipv4');
never.addSubnet('224.0.0.0', 4, 'ipv4');
never.addSubnet('240.0.0.0', 4, 'ipv4');
never.addAddress('::', 'ipv6');
never.addSubnet('ff00::', 8, 'ipv6');

/** Ranges of a local network or a special purpose: asked only for hosts an operator allows. */
const internal = new BlockList();
for (const [net, bits] of [
  ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24],
] as const) internal.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::1', 128], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['2002::', 16],
  ['3fff::', 20], ['5f00::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10],
] as const) internal.addSubnet(net, bits, 'ipv6');

/** The IPv4 address inside an IPv6 one (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d), if any. */
function embeddedIpv4(address: string): string | null {
  const groups = expandIpv6(address);
  if (!groups) return null;
  const high = groups.slice(0, 6);
  const mapped = high.slice(0, 5).every((g) => g === 0) && (high[5] === 0xffff || (high[5] === 0 && groups[6] !== 0));
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && high.slice(2).every((g) => g === 0);
  if (!mapped && !nat64) return null;
  return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
}

function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number);
    text = `${text.slice(0, v4.index)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = text.includes('::') ? 8 - left.length - right.length : 0;
  const groups = [...left, ...Array(Math.max(fill, 0)).fill('0'), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

export function classifyAddress(address: string): AddressKind {
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(plain);
  if (family === 0) return 'never';
  if (family === 6) {
    const inner = embeddedIpv4(plain);
    if (inner !== null) return classifyAddress(inner);
    if (never.check(plain, 'ipv6')) return 'never';
    return internal.check(plain, 'ipv6') ? 'internal' : 'public';
  }
  if (never.check(plain, 'ipv4') || plain === '255.255.255.255') return 'never';
  return internal.check(plain, 'ipv4') ? 'internal' : 'public';
}
