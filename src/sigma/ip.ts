// CIDR matching for IPv4 and IPv6 (the `cidr` modifier), on parsed addresses rather than string prefixes.
import { isIPv4, isIPv6 } from 'node:net';
import { RuleError } from './types.js';

/** Parses an address into 16 bytes (IPv4 as ::ffff:a.b.c.d) or null. */
export function parseIp(s: string): Uint8Array | null {
  let text = s.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (isIPv4(text)) {
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    text.split('.').forEach((o, i) => {
      out[12 + i] = Number(o);
    });
    return out;
  }
  if (!isIPv6(text)) return null;
  // Expand an embedded IPv4 tail, then the :: gap.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    text = `${text.slice(0, v4.index)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}

export function compileCidr(spec: string): (ip: string) => boolean {
  const inNet = compileCidrBytes(spec);
  return (ipText: string) => {
    const ip = parseIp(ipText);
    return ip !== null && inNet(ip);
  };
}

/** A network test on an address parsed by parseIp, so that one parse serves a list of networks. */
export function compileCidrBytes(spec: string): (ip: Uint8Array) => boolean {
  const [addr, lenText] = spec.split('/');
  const base = parseIp(addr ?? '');
  if (!base) throw new RuleError(`cidr: "${spec}" is not an IPv4 or IPv6 network`);
  const v4 = isIPv4((addr ?? '').trim());
  const max = v4 ? 32 : 128;
  const len = lenText === undefined ? max : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > max) throw new RuleError(`cidr: bad prefix length in "${spec}"`);
  const bits = v4 ? 96 + len : len;
  return (ip: Uint8Array) => {
    // An IPv4 network only matches IPv4 (mapped) addresses, which the 96-bit ::ffff: prefix guarantees.
    let left = bits;
    for (let i = 0; i < 16 && left > 0; i++, left -= 8) {
      const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
      if ((ip[i]! & mask) !== (base[i]! & mask)) return false;
    }
    return true;
  };
}
