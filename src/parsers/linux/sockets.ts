// Established TCP connections from `ss -tn state established` (with or without header / -H, with or without the
// State column), `netstat -tn`, or raw /proc/net/tcp{,6} when neither tool exists.
import { normaliseHost, splitHostPort } from './util.js';

export interface TcpConnection {
  local: string;
  localPort: number;
  peer: string;
  peerPort: number;
}

function endpoint(text: string): { host: string; port: number } | undefined {
  // ss prints v6 as [addr]:port (new) or addr:port (old); netstat as addr:port; the port is after the last colon.
  let host: string;
  let port: string;
  const b = /^\[([^\]]+)\]:(\d+|\*)$/.exec(text);
  if (b) [host, port] = [b[1]!, b[2]!];
  else {
    const i = text.lastIndexOf(':');
    if (i < 0) return undefined;
    [host, port] = [text.slice(0, i), text.slice(i + 1)];
  }
  if (!/^\d+$/.test(port)) return undefined;
  // Interface suffixes (`%eth0`) are not part of the address.
  return { host: normaliseHost(host.replace(/%.*$/, '')), port: Number(port) };
}

function hexV4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
}

function hexV6(hex: string): string {
  // /proc/net/tcp6 stores four 32-bit words, each in host (little-endian) byte order.
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(Number.parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  const full = groups.join(':');
  if (/^0:0:0:0:0:ffff:/.test(full)) return hexV4ToDotted(bytes.slice(12));
  return full.replace(/(^|:)0(:0)+(:|$)/, '::');
}

function hexV4ToDotted(bytes: number[]): string {
  return bytes.join('.');
}

const PROC_NET_TCP_LINE = new RegExp(
  String.raw`^\d+:\s+([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4})\s+([0-9A-F]{8}|` +
    String.raw`[0-9A-F]{32}):([0-9A-F]{4})\s+([0-9A-F]{2})\b`,
  'i',
);

export function parseTcpConnections(text: string): TcpConnection[] {
  const out: TcpConnection[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    // /proc/net/tcp: "  1: 0100007F:158A 0100007F:8124 01 ..."; state 01 is ESTABLISHED.
    const proc = PROC_NET_TCP_LINE.exec(line);
    if (proc) {
      if (proc[5] !== '01') continue;
      const dec = (h: string): string => (h.length === 8 ? hexV4(h) : hexV6(h));
      out.push({
        local: dec(proc[1]!),
        localPort: Number.parseInt(proc[2]!, 16),
        peer: dec(proc[3]!),
        peerPort: Number.parseInt(proc[4]!, 16),
      });
      continue;
    }
    const words = line.split(/\s+/);
    if (/^(State|Recv-Q|Netid|Proto|Active|sl)$/i.test(words[0]!)) continue;
    let rest = words;
    if (/^tcp6?$/.test(rest[0]!)) rest = rest.slice(1); // netstat / ss -a with Netid
    if (/^[A-Z][A-Z-]+$/.test(rest[0]!)) {
      if (!/^ESTAB/.test(rest[0]!)) continue; // a State column: only established sockets
      rest = rest.slice(1);
    }
    // Recv-Q Send-Q Local Peer [Process | State (netstat)]
    if (rest.length < 4 || !/^\d+$/.test(rest[0]!) || !/^\d+$/.test(rest[1]!)) continue;
    if (rest[4] && /^[A-Z_]+\d?$/.test(rest[4]) && !/^ESTAB/.test(rest[4])) continue; // netstat: State last
    const local = endpoint(rest[2]!);
    const peer = endpoint(rest[3]!);
    if (local && peer) out.push({ local: local.host, localPort: local.port, peer: peer.host, peerPort: peer.port });
  }
  return out;
}

/**
 * Whether a connection reaches a configured collector. By address when the collector is an IP address; a collector
 * named by DNS can only be matched by its port (no resolver in a pure parser), which the finding says.
 */
export function connectionTo(
  conns: TcpConnection[],
  host: string,
  port: number,
): { match: 'address' | 'port' | 'none'; peer?: string } {
  const want = normaliseHost(splitHostPort(host).host);
  const exact = conns.find((c) => c.peerPort === port && c.peer === want);
  if (exact) return { match: 'address', peer: `${exact.peer}:${exact.peerPort}` };
  const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(want) || want.includes(':');
  if (!ip) {
    const byPort = conns.find((c) => c.peerPort === port && c.peer !== '127.0.0.1' && c.peer !== '::1');
    if (byPort) return { match: 'port', peer: `${byPort.peer}:${byPort.peerPort}` };
  }
  return { match: 'none' };
}
