// socready's conversions checked against pySigma backends' own test vectors (../shared/sigma-backends), by meaning:
// both queries are parsed into one boolean AST and evaluated on events built from their literals. Every vector that
// does not match is listed here with the reason; a new mismatch, or a listed one that starts matching, fails.
import { describe, expect, it } from 'vitest';
import { BACKENDS, type Outcome, runVectors, vectorsPresent } from './vector-run.js';

const present = vectorsPresent();

/** Vectors socready does not match, and why (each reason checked by hand against the event the harness printed). */
const UNMATCHED_LUCENE: Record<string, string> = {
  test_lucene_regex_query:
    'Sigma |re is a search (matches anywhere) but a Lucene RegExp must match the whole term: pySigma emits ' +
    '/foo.*bar/, which misses "xfoobar"; socready emits /.*(foo[^\\n]*bar).*/',
  test_lucene_windash:
    'the Sigma spec makes windash permute every dash; pySigma replaces only dashes that start a word, so ' +
    '"-param/name" matches socready (and the local engine) but not pySigma',
  test_lucene_windash_contains: 'same windash difference as test_lucene_windash',
  test_elasticsearch_exists:
    'the rule writes `exists: yes`; socready reads rules as YAML 1.2 (as its engine does), where yes is a ' +
    'string, and refuses rather than guess',
};
const UNMATCHED_ESQL: Record<string, string> = {
  test_elasticsearch_esql_regex_query:
    'rlike matches the whole value: pySigma emits rlike "foo.*bar", which misses "xfoobar"; socready anchors ' +
    'the search (see test_lucene_regex_query)',
};
const UNMATCHED_SPL: Record<string, string> = {
  test_splunk_fieldref_query:
    "pySigma compares fields case-sensitively ('a'='b'); socready follows its engine, where fieldref " +
    'compares case-insensitively unless |cased',
  test_splunk_fieldref_or:
    'pySigma refuses a field reference under OR; socready converts it with | eval flags and a later | search',
  test_splunk_exists: 'the rule writes `exists: yes`: YAML 1.2 string, refused (see test_elasticsearch_exists)',
};

function summary(outcomes: Outcome[]): string {
  const n = (s: string) => outcomes.filter((o) => o.status === s).length;
  const applicable = n('matched') + n('unmatched');
  return (
    `${n('matched')}/${applicable} matched (${((100 * n('matched')) / Math.max(1, applicable)).toFixed(0)}%), ` +
    `${n('not-applicable')} not applicable`
  );
}

function check(outcomes: Outcome[], known: Record<string, string>, minimum: number): void {
  console.log(summary(outcomes));
  for (const o of outcomes.filter((x) => x.status === 'not-applicable'))
    console.log(`  not applicable: ${o.vector.name}: ${o.detail}`);
  const unmatched = outcomes.filter((o) => o.status === 'unmatched');
  for (const o of unmatched) console.log(`  unmatched: ${o.vector.name}: ${o.detail}`);
  expect(unmatched.map((o) => o.vector.name).sort()).toEqual(Object.keys(known).sort());
  expect(outcomes.filter((o) => o.status === 'matched').length).toBeGreaterThanOrEqual(minimum);
}

describe.skipIf(!present)(
  `pySigma backend vectors (${present ? BACKENDS : 'skipped: ../shared/sigma-backends absent'})`,
  () => {
    it(
      'Elasticsearch Lucene: converted rules mean what pySigma-backend-elasticsearch expects, except the ' +
        'listed vectors',
      () => {
        check(runVectors('elasticsearch/test_backend_elasticsearch_lucene.py', 'lucene'), UNMATCHED_LUCENE, 20);
      },
    );
    it(
      'Elasticsearch ES|QL: WHERE expressions mean what pySigma-backend-elasticsearch expects (three-valued ' +
        'logic), except the listed vectors',
      () => {
        check(runVectors('elasticsearch/test_backend_elasticsearch_esql.py', 'esql'), UNMATCHED_ESQL, 8);
      },
    );
    it('Splunk SPL: converted rules mean what pySigma-backend-splunk expects, except the listed vectors', () => {
      check(runVectors('splunk/test_backend_splunk.py', 'spl'), UNMATCHED_SPL, 12);
    });
  },
);
