// Unit tests for src/egress/address-guard: which IP addresses a request made for an agent may reach.
import { describe, expect, it } from 'vitest';
import { BlindfoldError } from '../../src/errors.js';
import { checkAddress, isLocalName, classifyHost, refusal } from '../../src/egress/address-guard.js';

describe('checkAddress refuses special-purpose addresses', () => {
  it.each([
    // IPv4
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['169.254.0.1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['240.0.0.1', 'reserved'],
    // IPv6
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001:2::1', 'benchmarking'],
    ['100::1', 'discard'],
    // IPv6 spellings that carry an IPv4 address
    ['::ffff:127.0.0.1', 'ipv4Mapped'],
    ['::ffff:7f00:1', 'ipv4Mapped'],
    ['[::ffff:169.254.169.254]', 'ipv4Mapped'],
    ['::ffff:8.8.8.8', 'ipv4Mapped'],
    ['::ffff:0:127.0.0.1', 'rfc6145'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052'],
    ['64:ff9b:1::a9fe:a9fe', 'rfc6052'],
    ['2002:7f00:1::1', '6to4'],
    ['2002:a9fe:a9fe::', '6to4'],
    ['2001::1', 'teredo'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    ['::a9fe:a9fe', 'ipv4Compatible'],
    ['::808:808', 'ipv4Compatible'],
    ['::7f00:2', 'ipv4Compatible'],
  ])('%s → refused (%s)', (ip, range) => {
    expect(checkAddress(ip)).toEqual({ allowed: false, range });
  });

  it.each(['::127.0.0.1', '::8.8.8.8', '[::169.254.169.254]'])('dotted IPv4-compatible %s is refused (ipaddr reads it as mapped)', (ip) => {
    expect(checkAddress(ip).allowed).toBe(false);
  });

  it.each(['127.1', '0x7f.0.0.1', '2130706433', '0177.0.0.1'])('non-standard IPv4 spelling %s is still loopback', (ip) => {
    expect(checkAddress(ip)).toEqual({ allowed: false, range: 'loopback' });
  });

  it.each(['', 'localhost', 'example.com', '1.2.3.4.5', '::g', '[', '999.1.1.1', '1.2.3.4 ', 'fe80::1%'])('unparseable %j → refused', (ip) => {
    expect(checkAddress(ip)).toEqual({ allowed: false, range: 'unparseable' });
  });
});

describe('checkAddress allows public unicast', () => {
  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '192.169.0.1', '11.0.0.1', '2606:4700::1111', '[2606:4700::1111]', '2001:4860:4860::8888', '2a00:1450:4001:80b::200e'])('%s', (ip) => {
    expect(checkAddress(ip)).toEqual({ allowed: true });
  });
});

describe('classifyHost', () => {
  it.each([
    ['127.0.0.1', { kind: 'ip', ip: '127.0.0.1', family: 4 }],
    ['[::1]', { kind: 'ip', ip: '::1', family: 6 }],
    ['::1', { kind: 'ip', ip: '::1', family: 6 }],
    ['[0:0:0:0:0:0:0:1]', { kind: 'ip', ip: '::1', family: 6 }],
    ['[::ffff:127.0.0.1]', { kind: 'ip', ip: '::ffff:7f00:1', family: 6 }],
    ['[2606:4700:0:0::1111]', { kind: 'ip', ip: '2606:4700::1111', family: 6 }],
    ['API.Example.COM.', { kind: 'name', name: 'api.example.com' }],
    ['localhost', { kind: 'name', name: 'localhost' }],
  ])('%s', (input, expected) => {
    expect(classifyHost(input)).toEqual(expected);
  });

  it('treats non-decimal IPv4 spellings as names (never as a public IP)', () => {
    // WHATWG URL parsing turns these into dotted quads before they get here; if one slips
    // through it must not be classified as some other IP.
    for (const s of ['127.1', '0x7f000001']) {
      const n = classifyHost(s);
      expect(n.kind).toBe('name');
    }
  });

  it('a normalised IP round-trips through checkAddress with the same verdict', () => {
    for (const host of ['[::ffff:127.0.0.1]', '169.254.169.254', '[64:ff9b::7f00:1]', '8.8.8.8', '[2606:4700::1111]']) {
      const n = classifyHost(host);
      expect(n.kind).toBe('ip');
      if (n.kind === 'ip') expect(checkAddress(n.ip)).toEqual(checkAddress(host));
    }
  });
});

describe('isLocalName', () => {
  it.each(['localhost', 'a.localhost', 'x.y.localhost', 'localhost.localdomain'])('%s is local', (n) => {
    expect(isLocalName(n)).toBe(true);
  });
  it.each(['localhost.com', 'mylocalhost', 'example.com', 'localhostx'])('%s is not', (n) => {
    expect(isLocalName(n)).toBe(false);
  });
});

describe('refusal', () => {
  it('is an ADDRESS_NOT_ALLOWED error naming host and range, with the admin remedy', () => {
    const err = refusal('169.254.169.254', 'linkLocal');
    expect(err).toBeInstanceOf(BlindfoldError);
    expect(err.code).toBe('ADDRESS_NOT_ALLOWED');
    expect(err.details).toEqual({ host: '169.254.169.254', range: 'linkLocal' });
    expect(err.message).toContain('169.254.169.254');
    expect(err.message).toContain('linkLocal');
    expect(err.message).toMatch(/allow/);
  });
});
