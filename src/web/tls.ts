// Looks at a TLS endpoint from the outside, as a client would: protocol, cipher and the certificate chain. An
// untrusted or self-signed certificate is a result to report, never an exception.
import { createHash, X509Certificate } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import { isIpLiteral } from './http.js';

export interface CertSummary {
  subject: string;
  issuer: string;
  san: string[];
  valid_from: string;
  valid_to: string;
  /** SHA-256 of the DER certificate, hex upper-case with colons (as openssl prints it). */
  fingerprint256: string;
  self_signed: boolean;
}

export interface TlsInspection {
  url: string;
  host: string;
  port: number;
  ok: boolean;
  error?: string;
  protocol?: string;
  cipher?: string;
  /** Whether the chain verified against the trust store (or the CA given). */
  authorized?: boolean;
  authorization_error?: string;
  leaf?: CertSummary;
  chain?: CertSummary[];
  days_left?: number;
  duration_ms: number;
}

function dn(x: Record<string, string | string[]> | undefined): string {
  if (!x) return '';
  return Object.entries(x)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

function summarise(c: PeerCertificate): CertSummary {
  const subject = dn(c.subject as unknown as Record<string, string>);
  const issuer = dn(c.issuer as unknown as Record<string, string>);
  return {
    subject,
    issuer,
    san: (c.subjectaltname ?? '').split(/,\s*/).filter(Boolean),
    valid_from: c.valid_from,
    valid_to: c.valid_to,
    fingerprint256: c.fingerprint256,
    self_signed: subject === issuer,
  };
}

/** Fingerprint of a PEM certificate in the same form as TlsInspection.leaf.fingerprint256. */
export function pemFingerprint(pem: string): { fingerprint256: string; subject: string } | undefined {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!m) return undefined;
  try {
    const cert = new X509Certificate(m[0]);
    const hex = createHash('sha256').update(cert.raw).digest('hex').toUpperCase();
    return { fingerprint256: hex.match(/../g)!.join(':'), subject: cert.subject.replace(/\n/g, ', ') };
  } catch {
    return undefined;
  }
}

/** Opens a tunnel through an HTTP proxy (CONNECT), as a browser configured with that proxy would. */
function tunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = netConnect({ host: proxy.hostname, port: Number(proxy.port || 3128) });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`proxy ${proxy.host} did not open a tunnel within ${timeoutMs} ms`));
    }, timeoutMs);
    let head = '';
    sock.once('connect', () => sock.write(`CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`));
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        // A proxy's answer head is small: one that never ends is refused rather than buffered without limit.
        if (head.length > 8192) {
          sock.off('data', onData);
          clearTimeout(timer);
          sock.destroy();
          reject(new Error(`proxy ${proxy.host} sent no complete CONNECT answer in 8 KiB`));
        }
        return;
      }
      sock.off('data', onData);
      clearTimeout(timer);
      const status = /^HTTP\/[\d.]+ (\d{3})/.exec(head);
      if (status?.[1] !== '200') {
        sock.destroy();
        reject(new Error(`proxy ${proxy.host} refused CONNECT: ${head.split('\r\n')[0]}`));
      } else resolve(sock);
    };
    sock.on('data', onData);
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export function inspectTls(
  url: URL,
  opts: { timeoutMs?: number; ca?: string | Buffer; proxy?: URL } = {},
): Promise<TlsInspection> {
  if (opts.proxy) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || 443);
    const started = Date.now();
    return tunnel(opts.proxy, host, port, opts.timeoutMs ?? 10_000).then(
      (socket) => handshake(url, opts, socket),
      (e: Error) => ({
        url: url.toString(),
        host,
        port,
        ok: false,
        error: e.message,
        duration_ms: Date.now() - started,
      }),
    );
  }
  return handshake(url, opts);
}

function handshake(url: URL, opts: { timeoutMs?: number; ca?: string | Buffer }, via?: Socket): Promise<TlsInspection> {
  const started = Date.now();
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<TlsInspection, 'url' | 'host' | 'port' | 'duration_ms'>) => {
      if (settled) return;
      settled = true;
      resolve({ url: url.toString(), host, port, ...r, duration_ms: Date.now() - started });
    };
    const socket = connect({
      ...(via ? { socket: via } : { host, port }),
      servername: isIpLiteral(host) ? undefined : host,
      rejectUnauthorized: false,
      ...(opts.ca ? { ca: opts.ca } : {}),
      timeout: timeoutMs,
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      finish({ ok: false, error: `TLS handshake did not finish within ${timeoutMs} ms` });
    });
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(true) as DetailedPeerCertificate;
      const chain: CertSummary[] = [];
      const seen = new Set<string>();
      for (
        let c: DetailedPeerCertificate | undefined = peer;
        c?.fingerprint256 && !seen.has(c.fingerprint256);
        c = c.issuerCertificate
      ) {
        seen.add(c.fingerprint256);
        chain.push(summarise(c));
      }
      const leaf = chain[0];
      const cipher = socket.getCipher();
      const authError = socket.authorizationError ? String(socket.authorizationError) : undefined;
      finish({
        ok: true,
        protocol: socket.getProtocol() ?? undefined,
        cipher: cipher?.standardName ?? cipher?.name,
        authorized: socket.authorized,
        ...(authError ? { authorization_error: authError } : {}),
        ...(leaf ? { leaf, chain, days_left: Math.floor((Date.parse(leaf.valid_to) - Date.now()) / 86_400_000) } : {}),
      });
      socket.end();
    });
    socket.once('error', (e: NodeJS.ErrnoException) =>
      finish({ ok: false, error: e.code ? `${e.code}: ${e.message}` : e.message }),
    );
  });
}
