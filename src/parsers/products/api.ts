// How socready reached a product API: the `tls:` line the API source records beside every answer.
import { defineParser, type ParserModule } from '../define.js';
import { type Facts, InconclusiveError } from '../../checks/types.js';
import { type Outputs, round, serverNow } from './util.js';

export function parseApiTransport(
  stderr: string,
  nowMs: number = serverNow({ stdout: '', stderr, exitCode: null, truncated: false, durationMs: 0 }),
): Facts {
  const m = /^tls:\s*(verified|unverified|none)\b(.*)$/m.exec(stderr);
  if (!m) throw new InconclusiveError('api-root: the answer carries no TLS record (not collected by the API source)');
  const rest = m[2] ?? '';
  const protocol = /\b(TLSv[\d.]+|SSLv\d)\b/.exec(rest)?.[1] ?? null;
  const notAfter = /not_after=(\S+)/.exec(rest)?.[1] ?? null;
  const expires = notAfter ? Date.parse(notAfter) : Number.NaN;
  // Every fact comes from this one line the API source recorded beside the answer.
  const line = { probe: 'api-root', text: m[0].trim() };
  return {
    at: { tls: line, encrypted: line, protocol: line, cert_not_after: line, cert_days_left: line },
    tls: m[1],
    encrypted: m[1] !== 'none',
    protocol,
    cert_not_after: notAfter,
    // Against the server's clock (its Date header), so stored evidence re-evaluates the same.
    cert_days_left: Number.isNaN(expires) ? null : round((expires - nowMs) / 86_400_000),
  };
}

export const apiParsers = {
  'api-transport': (outputs: Outputs): Facts => {
    const r = outputs['api-root'];
    if (!r) throw new InconclusiveError('api-root: not collected');
    return parseApiTransport(r.stderr);
  },
};

/** Parser modules (see src/parsers/define.ts), by the name catalog checks use in `parser`. */
export const apiParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'api-transport',
    probes: ['api-root'],
    facts: ['tls', 'encrypted', 'protocol', 'cert_not_after', 'cert_days_left'],
    parse: apiParsers['api-transport'],
  }),
];
