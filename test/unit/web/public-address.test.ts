/** Which addresses the framing check may reach without an operator allowing the host. */
import { describe, expect, it } from 'vitest';
import { classifyAddress } from '../../../src/web/public-address.ts';

describe('address classification for server-side requests', () => {
  it('calls internet addresses public', () => {
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946', '2001:4860:4860::8888']) expect(classifyAddress(ip), ip).toBe('public');
  });

  it('calls loopback, private, shared, link-local, documentation and special IPv4 ranges internal', () => {
    for (const ip of ['127.0.0.1', '127.8.9.10', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '169.254.169.254', '192.0.2.1', '198.18.0.1', '198.51.100.7', '203.0.113.9', '192.0.0.8']) {
      expect(classifyAddress(ip), ip).toBe('internal');
    }
  });

  it('calls IPv6 loopback, unique-local, link-local, site-local, documentation and tunnels internal', () => {
    for (const ip of ['::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'fec0::1', '2001:db8::1', '2002:7f00:1::1', '2001::1', '100::1', '64:ff9b:1::1']) {
      expect(classifyAddress(ip), ip).toBe('internal');
    }
  });

  it('judges an IPv6 address that embeds IPv4 (mapped, compatible, NAT64) by the IPv4 address', () => {
    expect(classifyAddress('::ffff:127.0.0.1')).toBe('internal');
    expect(classifyAddress('::ffff:7f00:1')).toBe('internal');
    expect(classifyAddress('::ffff:10.0.0.1')).toBe('internal');
    expect(classifyAddress('::127.0.0.1')).toBe('internal');
    expect(classifyAddress('64:ff9b::192.168.0.1')).toBe('internal');
    expect(classifyAddress('64:ff9b::a9fe:a9fe')).toBe('internal');
    expect(classifyAddress('::ffff:8.8.8.8')).toBe('public');
  });

  it('never asks unspecified, multicast, broadcast or reserved addresses', () => {
    for (const ip of ['0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255', '::', 'ff02::1', '::ffff:0.0.0.0', 'not-an-ip']) {
      expect(classifyAddress(ip), ip).toBe('never');
    }
  });
});
