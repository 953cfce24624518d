import { describe, expect, it } from 'vitest';
import { checkAddress, isLocalName, normalizeHost } from '../../src/egress/address-guard.js';
import { pinnedResolver } from '../../src/egress/connector.js';
import { BlindfoldError } from '../../src/errors.js';

describe('address guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.7', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'ipv4Mapped'],
    ['::ffff:169.254.169.254', 'ipv4Mapped'],
    ['::127.0.0.1', 'ipv4Mapped'], // ipaddr.js reads the dotted form as mapped
    ['::7f00:1', 'ipv4Compatible'],
    ['::a9fe:a9fe', 'ipv4Compatible'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['2001:0:1::1', 'teredo'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'discard'],
  ])('refuses %s (%s)', (ip, range) => {
    const r = checkAddress(ip);
    expect(r.allowed).toBe(false);
    if (!r.allowed) expect(r.range).toBe(range);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e'])('allows public %s', (ip) => {
    expect(checkAddress(ip)).toEqual({ allowed: true });
  });

  it('treats anything unparseable as refused', () => {
    expect(checkAddress('not-an-ip').allowed).toBe(false);
  });

  it('normalises literal IPs in brackets and leaves names as names', () => {
    expect(normalizeHost('[::FFFF:7f00:1]')).toMatchObject({ kind: 'ip', family: 6 });
    expect(checkAddress((normalizeHost('[::FFFF:7f00:1]') as { ip: string }).ip).allowed).toBe(false);
    expect(normalizeHost('127.0.0.1')).toMatchObject({ kind: 'ip', family: 4 });
    expect(normalizeHost('API.Example.com.')).toEqual({ kind: 'name', name: 'api.example.com' });
  });

  it('never resolves localhost names', () => {
    expect(isLocalName('localhost')).toBe(true);
    expect(isLocalName('foo.localhost')).toBe(true);
    expect(isLocalName('localhost.example.com')).toBe(false);
  });
});

describe('pinned resolver (serve --resolve)', () => {
  it('answers pinned names, case- and trailing-dot-insensitively, and falls back for others', async () => {
    const r = pinnedResolver(['Evil.Test=127.0.0.1', 'mixed.test=93.184.216.34,::1'], async () => [{ address: '8.8.8.8', family: 4 }]);
    expect(await r('evil.test.')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(await r('mixed.test')).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect(await r('other.test')).toEqual([{ address: '8.8.8.8', family: 4 }]);
  });

  it.each(['evil.test', '=1.2.3.4', 'evil.test=', 'evil.test=not-an-ip'])('refuses the malformed pin %j', (pin) => {
    expect(() => pinnedResolver([pin])).toThrow(BlindfoldError);
  });
});
