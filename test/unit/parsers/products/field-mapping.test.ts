import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { answered, failed, fromFixture } from './helpers.js';

const catalog = loadCatalog();

function decide(check: string, answer: ProbeResult) {
  const def = catalog.checks.find((c) => c.id === check)!;
  return evaluateCheck(
    def,
    { 'es-detection-field-mapping': answer },
    { targetId: 'es', kind: 'siem', evidenceIds: {} },
    new Map(),
  );
}

describe('Elasticsearch field mappings: parsed fields and the ignore_above truncation point', () => {
  it('names the fields no index parses, and the keyword fields whose ignore_above drops long values', () => {
    const answer = fromFixture('elasticsearch/field-mapping.json');
    const parsed = decide('products.es.detection-fields-parsed', answer);
    expect(parsed.status).toBe('fail');
    expect(parsed.reason).toBe(
      '3 event indices read; parsed: user, source IP, request body; not a field in any index: ' +
        'command line (process.command_line)',
    );
    const cut = decide('products.es.long-fields-indexed', answer);
    expect(cut.status).toBe('fail');
    expect(cut.reason).toBe(
      'cut at indexing: message in syslog-2026.11.23: keyword, ignore_above 256 (longer values are not indexed); ' +
        'http.request.body.content in weblogs-2026.11.23: keyword, ignore_above 256 (longer values are not indexed)',
    );
  });

  it('text mappings and every needed field: both pass; a 403 decides nothing', () => {
    const good = answered(
      JSON.stringify({
        'logs-1': {
          mappings: Object.fromEntries(
            ['user.name', 'source.ip', 'process.command_line', 'http.request.body.content', 'message'].map((f) => [
              f,
              { full_name: f, mapping: { [f.split('.').pop()!]: { type: f === 'source.ip' ? 'ip' : 'wildcard' } } },
            ]),
          ),
        },
      }),
    );
    expect(decide('products.es.detection-fields-parsed', good).status).toBe('pass');
    expect(decide('products.es.long-fields-indexed', good).status).toBe('pass');
    expect(decide('products.es.long-fields-indexed', failed('permission-denied', 'HTTP 403')).status).toBe(
      'inconclusive',
    );
  });
});
