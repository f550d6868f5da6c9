// Address arithmetic for allow-lists: IPv4/IPv6 parsing, CIDR membership, internal and documented ranges.

export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** Expands an IPv6 address into 8 groups; undefined when it is not one. */
export function parseIpv6(s: string): number[] | undefined {
  const t = s.trim().toLowerCase();
  if (!t.includes(':') || !/^[0-9a-f:.]+$/.test(t)) return undefined;
  const [head, tail, extra] = t.split('::');
  if (extra !== undefined) return undefined;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const h = groups(head);
  const tl = tail === undefined ? [] : groups(tail);
  if (tail === undefined && h.length !== 8) return undefined;
  const fill = 8 - h.length - tl.length;
  if (fill < 0) return undefined;
  const all = [...h, ...Array(tail === undefined ? 0 : fill).fill('0'), ...tl];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return all.map((g) => Number.parseInt(g, 16));
}

export const isIp = (s: string) => parseIpv4(s) !== undefined || parseIpv6(s) !== undefined;

/** Whether `ip` lies in `cidr` (a bare address counts as a /32 or /128). */
export function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsRaw] = cidr.trim().split('/');
  if (!net) return false;
  const v4 = parseIpv4(ip);
  const n4 = parseIpv4(net);
  if (v4 !== undefined && n4 !== undefined) {
    const bits = bitsRaw === undefined ? 32 : Number(bitsRaw);
    if (!(bits >= 0 && bits <= 32)) return false;
    if (bits === 0) return true;
    const mask = (0xffffffff << (32 - bits)) >>> 0;
    return (v4 & mask) >>> 0 === (n4 & mask) >>> 0;
  }
  const v6 = parseIpv6(ip);
  const n6 = parseIpv6(net);
  if (!v6 || !n6) return false;
  let bits = bitsRaw === undefined ? 128 : Number(bitsRaw);
  if (!(bits >= 0 && bits <= 128)) return false;
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const take = Math.min(16, bits);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((v6[i]! & mask) !== (n6[i]! & mask)) return false;
  }
  return true;
}

export const isCidr = (s: string) => {
  const [net, bits] = s.trim().split('/');
  return !!net && isIp(net) && (bits === undefined || /^\d{1,3}$/.test(bits));
};

/** Ranges that are never an external attacker: RFC 1918, loopback, link-local, CGNAT (RFC 6598), ULA. */
export const INTERNAL_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '100.64.0.0/10',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
];

/** Documentation ranges (RFC 5737, RFC 3849): examples, never real attackers either. */
export const DOCUMENTATION_RANGES = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32'];

export function ipCategory(
  ip: string,
  ownRanges: string[] = [],
): 'internal' | 'own' | 'documentation' | 'public' | undefined {
  if (!isIp(ip)) return undefined;
  if (INTERNAL_RANGES.some((c) => inCidr(ip, c))) return 'internal';
  if (ownRanges.some((c) => inCidr(ip, c))) return 'own';
  if (DOCUMENTATION_RANGES.some((c) => inCidr(ip, c))) return 'documentation';
  return 'public';
}
